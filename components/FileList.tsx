"use client";
/**
 * The experiment's uploaded files: duration, rate, channels, a play button, remove; "Isolate vocals" (issue 19)
 * queues the separate job, and a file whose vocals were isolated plays its vocal and accompaniment stems too.
 */
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { formatBytes, formatDuration } from "@/lib/format";
import { callApi, type AudioFile } from "./api-client";
import { Card, DataTable, EmptyState, ErrorText, useConfirm, useToast } from "@/components/ui";

/** What the list shows of an uploaded file (lib/api/common.ts AudioFile). */
export type FileRow = Pick<AudioFile, "id" | "name" | "bytes" | "durationSec" | "sampleRate" | "channels" | "codec" | "status" | "error"> & Partial<Pick<AudioFile, "useVocals">>;

export function FileList({ experiment, files, readOnly = false }: { experiment: string; files: FileRow[]; readOnly?: boolean }) {
  const router = useRouter();
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirm = useConfirm();
  const toast = useToast();

  const [separating, setSeparating] = useState<Set<string>>(new Set());

  /** Play (or stop) a file's upload, or one of its stems. */
  function play(id: string, stem?: "vocals" | "accompaniment") {
    audio.current?.pause();
    const key = stem ? `${id}:${stem}` : id;
    if (playing === key) {
      setPlaying(null);
      return;
    }
    const base = `/api/experiments/${encodeURIComponent(experiment)}/files/${id}`;
    const a = new Audio(stem ? `${base}/stems/${stem}` : `${base}/audio`);
    a.onended = () => setPlaying(null);
    a.onerror = () => {
      setPlaying(null);
      setError("This browser cannot play that file's format");
    };
    audio.current = a;
    setPlaying(key);
    void a.play().catch(() => setPlaying(null));
  }

  async function isolate(f: FileRow) {
    setSeparating((s) => new Set(s).add(f.id));
    try {
      await callApi(`/api/experiments/${encodeURIComponent(experiment)}/files/${f.id}/separate`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      toast(`Isolating the vocals of “${f.name}”: follow it under Jobs; the stems appear here when it is done`);
    } catch (err) {
      toast((err as Error).message, "error");
    } finally {
      setSeparating((s) => {
        const n = new Set(s);
        n.delete(f.id);
        return n;
      });
    }
  }

  async function remove(f: FileRow) {
    const yes = await confirm({ title: "Remove this file?", message: `“${f.name}” is removed from the experiment.`, confirmLabel: "Remove", danger: true });
    if (!yes) return;
    setError(null);
    try {
      await callApi(`/api/experiments/${experiment}/files/${f.id}`, { method: "DELETE" });
      toast(`Removed “${f.name}”`);
      router.refresh();
    } catch (err) {
      toast((err as Error).message, "error");
    }
  }

  return (
    <Card label="Files" title={`Files (${files.length})`}>
      <ErrorText error={error} />
      {files.length === 0 ? (
        <EmptyState>No files yet. Upload recordings of the voice above.</EmptyState>
      ) : (
        <DataTable
          label="Files"
          rows={files}
          rowKey={(f) => f.id}
          rowProps={() => ({ "data-testid": "file-row" })}
          columns={[
            { key: "name", header: "Name", primary: true, truncate: true, sort: (f) => f.name, title: (f) => f.name, cell: (f) => <span className="font-mono text-xs">{f.name}</span> },
            { key: "duration", header: "Duration", testId: "file-duration", sort: (f) => f.durationSec, cell: (f) => formatDuration(f.durationSec) },
            { key: "rate", header: "Rate", sort: (f) => f.sampleRate, cell: (f) => (f.sampleRate ? `${f.sampleRate / 1000} kHz` : "—") },
            { key: "channels", header: "Ch", cell: (f) => f.channels ?? "—" },
            { key: "format", header: "Format", cell: (f) => f.codec ?? "—" },
            { key: "size", header: "Size", sort: (f) => f.bytes, cell: (f) => formatBytes(f.bytes) },
            {
              key: "actions",
              header: "Actions",
              srHeader: true,
              align: "right",
              cell: (f) => (
                <div className="flex justify-end gap-3 whitespace-nowrap max-sm:justify-start">
                  <button type="button" className="underline underline-offset-2" aria-label={`${playing === f.id ? "Stop" : "Play"} ${f.name}`} onClick={() => play(f.id)}>
                    {playing === f.id ? "Stop" : "Play"}
                  </button>
                  {f.useVocals && (
                    <>
                      <button type="button" className="underline underline-offset-2" aria-label={`${playing === `${f.id}:vocals` ? "Stop" : "Play"} the vocals of ${f.name}`} onClick={() => play(f.id, "vocals")} data-testid="play-vocals">
                        {playing === `${f.id}:vocals` ? "Stop" : "Vocals"}
                      </button>
                      <button type="button" className="underline underline-offset-2" aria-label={`${playing === `${f.id}:accompaniment` ? "Stop" : "Play"} the accompaniment of ${f.name}`} onClick={() => play(f.id, "accompaniment")} data-testid="play-accompaniment">
                        {playing === `${f.id}:accompaniment` ? "Stop" : "Band"}
                      </button>
                    </>
                  )}
                  {!readOnly && f.status === "ready" && !f.useVocals && (
                    <button type="button" className="underline underline-offset-2 disabled:opacity-60" aria-label={`Isolate the vocals of ${f.name}`} disabled={separating.has(f.id)} onClick={() => void isolate(f)} title="Separate the vocals from the music (MDX-Net); training then uses the vocals. The upload is kept as it is.">
                      Isolate vocals
                    </button>
                  )}
                  {!readOnly && (
                    <button type="button" className="text-red-700 underline underline-offset-2 dark:text-red-400" aria-label={`Remove ${f.name}`} onClick={() => void remove(f)}>
                      Remove
                    </button>
                  )}
                </div>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
