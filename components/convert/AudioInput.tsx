"use client";
import { AUDIO_EXTENSIONS } from "@/lib/audio/formats";
import { formatBytes } from "@/lib/format";
import { useRecorder } from "./useRecorder";
import { Waveform } from "./Waveform";

const ACCEPT = [...AUDIO_EXTENSIONS.map((e) => `.${e}`), ".zip"].join(",");

const isZip = (f: File) => /\.zip$/i.test(f.name);

/**
 * The clip to convert: a file from disk or a recording from the microphone, shown with its waveform. Several files,
 * or one .zip, are a batch (`onBatch`); `single` (song mode) takes one file only.
 */
export function AudioInput({
  file,
  onChange,
  batch,
  onBatch,
  disabled,
  single = false,
}: {
  file: File | null;
  onChange: (f: File | null) => void;
  batch: File[] | null;
  onBatch: (files: File[]) => void;
  disabled?: boolean;
  single?: boolean;
}) {
  const rec = useRecorder(onChange);
  const button = "rounded border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800";
  return (
    <fieldset className="space-y-2" disabled={disabled}>
      <legend className="text-sm font-medium">Input</legend>
      <div className="flex flex-wrap items-center gap-3">
        {/* the native input is hidden: it would say "No file chosen" after a recording (its value is cleared on purpose) */}
        <label className={`${button} cursor-pointer`}>
          {file || batch ? "Choose another file" : "Choose a file"}
          <input
            type="file"
            accept={ACCEPT}
            multiple={!single}
            className="sr-only"
            aria-label="Audio file"
            onChange={(e) => {
              const list = Array.from(e.target.files ?? []);
              if (list.length === 1 && !isZip(list[0]!)) onChange(list[0]!);
              else if (list.length > 0) onBatch(list);
              e.target.value = ""; // so choosing the same file again still fires
            }}
          />
        </label>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">or</span>
        {rec.recording ? (
          <button type="button" className={`${button} border-red-400 text-red-700 dark:text-red-400`} onClick={rec.stop}>
            <span aria-hidden className="mr-1 inline-block h-2 w-2 animate-pulse rounded-full bg-red-600" />
            Stop
          </button>
        ) : (
          <button type="button" className={button} onClick={() => void rec.start()}>
            Record
          </button>
        )}
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {single
          ? "One song at a time (a batch of several files or a .zip is for Voice only)."
          : "Choose several files, or one .zip of clips, to convert them all as a batch with the same settings."}
      </p>
      {rec.recording && <p className="text-sm text-red-700 dark:text-red-400" role="status">Recording… press Stop when done.</p>}
      {rec.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{rec.error}</p>}
      {batch && (
        <div className="space-y-1 text-sm" data-testid="batch-preview">
          <p>
            {batch.length === 1 ? (
              <>
                <span className="font-mono">{batch[0]!.name}</span> <span className="text-zinc-600 dark:text-zinc-400">· {formatBytes(batch[0]!.size)} · a batch of its audio files</span>
              </>
            ) : (
              <>
                {batch.length} clips <span className="text-zinc-600 dark:text-zinc-400">· {formatBytes(batch.reduce((s, f) => s + f.size, 0))} · converted as one batch</span>
              </>
            )}
          </p>
          {batch.length > 1 && <p className="break-words font-mono text-xs text-zinc-600 dark:text-zinc-400">{batch.map((f) => f.name).join(", ")}</p>}
        </div>
      )}
      {file && (
        <div className="space-y-1" data-testid="input-preview">
          <p className="text-sm">
            <span className="font-mono">{file.name}</span> <span className="text-zinc-600 dark:text-zinc-400">· {formatBytes(file.size)}</span>
          </p>
          <Waveform source={file} label="Chosen clip waveform" />
        </div>
      )}
    </fieldset>
  );
}
