"use client";
/** The experiment's uploaded files: duration, rate, channels, a play button, remove. */
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { formatBytes, formatDuration } from "@/lib/format";
import { callApi, type AudioFile } from "./api-client";
import { ScrollTable } from "@/components/ui";

/** What the list shows of an uploaded file (lib/api/common.ts AudioFile). */
export type FileRow = Pick<AudioFile, "id" | "name" | "bytes" | "durationSec" | "sampleRate" | "channels" | "codec" | "status" | "error">;

export function FileList({ experiment, files, readOnly = false }: { experiment: string; files: FileRow[]; readOnly?: boolean }) {
  const router = useRouter();
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  function play(id: string) {
    audio.current?.pause();
    if (playing === id) {
      setPlaying(null);
      return;
    }
    const a = new Audio(`/api/experiments/${experiment}/files/${id}/audio`);
    a.onended = () => setPlaying(null);
    a.onerror = () => {
      setPlaying(null);
      setError("This browser cannot play that file's format");
    };
    audio.current = a;
    setPlaying(id);
    void a.play().catch(() => setPlaying(null));
  }

  async function remove(f: FileRow) {
    if (!confirm(`Remove "${f.name}" from the experiment?`)) return;
    setError(null);
    try {
      await callApi(`/api/experiments/${experiment}/files/${f.id}`, { method: "DELETE" });
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section aria-label="Files" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="mb-2 font-semibold">Files ({files.length})</h2>
      {error && (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {files.length === 0 ? (
        <p className="text-sm text-zinc-500">No files yet.</p>
      ) : (
        <ScrollTable label="Files">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1">name</th>
              <th>duration</th>
              <th>rate</th>
              <th>ch</th>
              <th>format</th>
              <th>size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.id} data-testid="file-row" className="border-t border-zinc-100 dark:border-zinc-800">
                <td className="max-w-xs truncate py-1 font-mono text-xs" title={f.name}>
                  {f.name}
                </td>
                <td data-testid="file-duration">{formatDuration(f.durationSec)}</td>
                <td>{f.sampleRate ? `${f.sampleRate / 1000} kHz` : "—"}</td>
                <td>{f.channels ?? "—"}</td>
                <td>{f.codec ?? "—"}</td>
                <td>{formatBytes(f.bytes)}</td>
                <td className="space-x-2 whitespace-nowrap text-right">
                  <button type="button" className="underline" aria-label={`${playing === f.id ? "Stop" : "Play"} ${f.name}`} onClick={() => play(f.id)}>
                    {playing === f.id ? "Stop" : "Play"}
                  </button>
                  {!readOnly && (
                    <button type="button" className="text-red-700 underline dark:text-red-400" aria-label={`Remove ${f.name}`} onClick={() => void remove(f)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}
