"use client";
/**
 * The experiment's uploaded files: duration, rate, channels, the dataset doctor's flags (sort and filter by flag),
 * include/exclude, a link to each file's detail view, a play button, remove; "Isolate vocals" (issue 19) queues the
 * separate job ("Isolating vocals…" while it is queued or running), a file whose vocals were isolated plays its vocal
 * and accompaniment stems too, and "Train on vocals" switches what preprocess reads of it (its vocal stem or the mix).
 */
import { useRouter } from "next/navigation";
import Link from "next/link";
import { useRef, useState } from "react";
import { formatBytes, formatDuration } from "@/lib/format";
import { callApi, type AudioFile } from "./api-client";
import { Card, DataTable, EmptyState, ErrorText, linkClass, mutedText, smallSelect, useConfirm, useToast } from "@/components/ui";
import { flagLabel, FlagList } from "./dataset/flags";
import type { FlagCode } from "@/lib/dataset/analysis";

/** What the list shows of an uploaded file (lib/api/common.ts AudioFile). */
export type FileRow = Pick<AudioFile, "id" | "name" | "bytes" | "durationSec" | "sampleRate" | "channels" | "codec" | "status" | "error" | "flags" | "excluded" | "analysis"> & Partial<Pick<AudioFile, "useVocals">>;

/** The filter's choices: every file, any flag, none, excluded, or one flag. */
type Filter = "all" | "flagged" | "clean" | "excluded" | FlagCode;

/** Pure: the rows a filter keeps. */
export function filterFiles<T extends Pick<FileRow, "flags" | "excluded">>(rows: T[], filter: Filter): T[] {
  if (filter === "all") return rows;
  if (filter === "flagged") return rows.filter((r) => r.flags.length > 0);
  if (filter === "clean") return rows.filter((r) => r.flags.length === 0);
  if (filter === "excluded") return rows.filter((r) => r.excluded);
  return rows.filter((r) => r.flags.some((f) => f.code === filter));
}

/** Vocal isolation as the page knows it: files with a separation queued or running, files with stems, what is missing. */
export interface SeparationView {
  pending: string[];
  stemmed: string[];
  /** what is missing for separation to run (the model file and the fix); null when it can */
  modelMissing: string | null;
}

export function FileList({ experiment, files, readOnly = false, separation }: { experiment: string; files: FileRow[]; readOnly?: boolean; separation?: SeparationView }) {
  const router = useRouter();
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>("all");
  const confirm = useConfirm();
  const toast = useToast();
  const present = [...new Set(files.flatMap((f) => f.flags.map((x) => x.code)))].sort();
  const shown = filterFiles(files, filter);

  async function setExcluded(f: FileRow, excluded: boolean) {
    try {
      await callApi(`/api/experiments/${experiment}/files/${f.id}`, { method: "PATCH", body: JSON.stringify({ excluded }) });
      toast(excluded ? `Excluded “${f.name}” from training` : `Included “${f.name}” again`);
      router.refresh();
    } catch (err) {
      setVocalsChoice(({ [f.id]: _, ...rest }) => rest);
      toast((err as Error).message, "error");
    }
  }

  const [separating, setSeparating] = useState<Set<string>>(new Set());
  // "Train on vocals" as clicked, until the refreshed list says so too (undone when the change is refused)
  const [vocalsChoice, setVocalsChoice] = useState<Record<string, boolean>>({});
  const pending = new Set(separation?.pending ?? []);
  const stemmed = new Set(separation?.stemmed ?? []);
  const hasStems = (f: FileRow) => (separation ? stemmed.has(f.id) : Boolean(f.useVocals));
  const modelMissing = separation?.modelMissing ?? null;
  const couldIsolate = !readOnly && files.some((f) => f.status === "ready" && !hasStems(f) && !pending.has(f.id));

  async function setUseVocals(f: FileRow, useVocals: boolean) {
    setVocalsChoice((c) => ({ ...c, [f.id]: useVocals }));
    try {
      await callApi(`/api/experiments/${encodeURIComponent(experiment)}/files/${f.id}`, { method: "PATCH", body: JSON.stringify({ useVocals }) });
      toast(useVocals ? `“${f.name}” trains on its isolated vocals (re-run preprocess)` : `“${f.name}” trains on its mix again (re-run preprocess)`);
      router.refresh();
    } catch (err) {
      toast((err as Error).message, "error");
    }
  }

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
    // a player replaced by the next click (its pause() rejects its pending play()) must not reset the new one's state
    const mine = (fn: () => void) => () => {
      if (audio.current === a) fn();
    };
    a.onended = mine(() => setPlaying(null));
    a.onerror = mine(() => {
      setPlaying(null);
      setError("This browser cannot play that file's format");
    });
    audio.current = a;
    setPlaying(key);
    void a.play().catch(mine(() => setPlaying(null)));
  }

  async function isolate(f: FileRow) {
    setSeparating((s) => new Set(s).add(f.id));
    try {
      await callApi(`/api/experiments/${encodeURIComponent(experiment)}/files/${f.id}/separate`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      toast(`Isolating the vocals of “${f.name}”: follow it under Jobs; the stems appear here when it is done`);
      router.refresh();
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
    <Card
      label="Files"
      title={`Files (${files.length})`}
      actions={
        files.length > 0 && (
          <label className="flex items-center gap-2 text-sm">
            Show
            <select className={smallSelect} value={filter} onChange={(e) => setFilter(e.target.value as Filter)} aria-label="Filter files by flag" data-testid="flag-filter">
              <option value="all">all files</option>
              <option value="flagged">flagged</option>
              <option value="clean">no flags</option>
              <option value="excluded">excluded</option>
              {present.map((c) => (
                <option key={c} value={c}>
                  {flagLabel(c)}
                </option>
              ))}
            </select>
          </label>
        )
      }
    >
      <ErrorText error={error} />
      {modelMissing && couldIsolate && (
        <p className={`mb-3 text-xs ${mutedText} [overflow-wrap:anywhere]`} data-testid="separation-missing">
          “Isolate vocals” cannot run: {modelMissing}
        </p>
      )}
      {files.length === 0 ? (
        <EmptyState>No files yet. Upload recordings of the voice above.</EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState>No file matches this filter.</EmptyState>
      ) : (
        <DataTable
          label="Files"
          rows={shown}
          rowKey={(f) => f.id}
          rowProps={(f) => ({ "data-testid": "file-row", "data-excluded": f.excluded ? "true" : undefined })}
          columns={[
            {
              key: "name",
              header: "Name",
              primary: true,
              truncate: true,
              sort: (f) => f.name,
              title: (f) => f.name,
              cell: (f) => (
                <Link className={`${linkClass} font-mono text-xs${f.excluded ? " line-through" : ""}`} href={`/experiments/${experiment}/files/${f.id}`}>
                  {f.name}
                </Link>
              ),
            },
            {
              key: "flags",
              header: "Flags",
              testId: "file-flags",
              // errors first, then the number of flags; files not analysed yet last
              sort: (f) => (f.analysis ? f.flags.filter((x) => x.level === "error").length * 100 + f.flags.length : -1),
              cell: (f) => (f.excluded ? <span className="text-xs font-medium">excluded</span> : f.analysis ? <FlagList flags={f.flags} none="ok" /> : <span className="text-xs text-zinc-600 dark:text-zinc-400">analysing…</span>),
            },
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
                <div className="flex flex-wrap justify-end gap-x-3 gap-y-1 whitespace-nowrap max-sm:justify-start">
                  <button type="button" className="underline underline-offset-2" aria-label={`${playing === f.id ? "Stop" : "Play"} ${f.name}`} onClick={() => play(f.id)}>
                    {playing === f.id ? "Stop" : "Play"}
                  </button>
                  {hasStems(f) && (
                    <>
                      <button type="button" className="underline underline-offset-2" aria-label={`${playing === `${f.id}:vocals` ? "Stop" : "Play"} the vocals of ${f.name}`} onClick={() => play(f.id, "vocals")} data-testid="play-vocals">
                        {playing === `${f.id}:vocals` ? "Stop" : "Vocals"}
                      </button>
                      <button type="button" className="underline underline-offset-2" aria-label={`${playing === `${f.id}:accompaniment` ? "Stop" : "Play"} the accompaniment of ${f.name}`} onClick={() => play(f.id, "accompaniment")} data-testid="play-accompaniment">
                        {playing === `${f.id}:accompaniment` ? "Stop" : "Band"}
                      </button>
                    </>
                  )}
                  {pending.has(f.id) ? (
                    <span className="text-xs" data-testid="separating">
                      Isolating vocals…
                    </span>
                  ) : (
                    !readOnly &&
                    f.status === "ready" &&
                    !hasStems(f) && (
                      <button
                        type="button"
                        className="underline underline-offset-2 disabled:opacity-60"
                        aria-label={`Isolate the vocals of ${f.name}`}
                        disabled={separating.has(f.id) || modelMissing !== null}
                        onClick={() => void isolate(f)}
                        title={modelMissing ?? "Separate the vocals from the music (MDX-Net); training then uses the vocals. The upload is kept as it is."}
                      >
                        Isolate vocals
                      </button>
                    )
                  )}
                  {!readOnly && hasStems(f) && !pending.has(f.id) && (
                    <label className="inline-flex items-center gap-1" title="Checked: preprocess reads the isolated vocals; unchecked: the uploaded mix. Either way the next preprocess redoes this file.">
                      <input type="checkbox" className="h-4 w-4" checked={vocalsChoice[f.id] ?? Boolean(f.useVocals)} onChange={(e) => void setUseVocals(f, e.target.checked)} aria-label={`Train on the vocals of ${f.name}`} data-testid="use-vocals" />
                      Train on vocals
                    </label>
                  )}
                  {!readOnly && (
                    <button type="button" className="underline underline-offset-2" aria-label={`${f.excluded ? "Include" : "Exclude"} ${f.name}`} onClick={() => void setExcluded(f, !f.excluded)}>
                      {f.excluded ? "Include" : "Exclude"}
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
