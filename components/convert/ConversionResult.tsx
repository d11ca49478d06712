"use client";
import { JobProgress } from "../JobProgress";
import { useLiveConversion } from "./useLiveConversion";
import { mutedText, StatusBadge } from "@/components/ui";
import type { LiveJob } from "../useJobEvents";
import { coverSteps, summarizeCover, type CoverStep, type StepState } from "./cover";
import { isActive, isCover, type Conversion } from "./types";
import { Waveform } from "./Waveform";

/** The selected conversion: live progress while it runs, its error if it failed, input and output side by side when done. */
export function ConversionResult({ conversion, onUpdate }: { conversion: Conversion | null; onUpdate: (c: Conversion) => void }) {
  const live = useLiveConversion(conversion, onUpdate);
  return (
    <section aria-label="Result" className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="font-semibold">Result</h2>
      {!conversion ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Convert a clip, or pick one from the recent conversions below.</p>
      ) : (
        <>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            <span className="font-mono">{conversion.inputName}</span> → {conversion.model?.name ?? "deleted model"}
            {isCover(conversion) && conversion.cover && <> · cover: {summarizeCover(conversion.cover)}</>}
          </p>
          {isCover(conversion) && <CoverSteps live={live} status={conversion.status} />}
          {isActive(conversion) && conversion.jobId && <JobProgress jobId={conversion.jobId} live={live} initialStatus={conversion.status} />}
          {/* the live stream already shows a failure it saw; otherwise (e.g. picked from the history) show the stored one */}
          {(conversion.status === "failed" || conversion.status === "cancelled") && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="conversion-error">
              {conversion.status === "cancelled" ? "This conversion was cancelled." : (conversion.error ?? "The conversion failed.")}
              {conversion.jobId && (
                <a className="ml-2 underline" href={`/jobs/${conversion.jobId}`}>
                  Job log
                </a>
              )}
            </p>
          )}
          {conversion.status === "succeeded" && conversion.audioUrl && <SideBySide conversion={conversion} audioUrl={conversion.audioUrl} />}
        </>
      )}
    </section>
  );
}

const downloadButton = "inline-block rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500";

/** One audio file: a heading, optionally its waveform, a player and a download link. */
function Player({ title, url, label, download, waveform }: { title: string; url: string; label: string; download?: string; waveform?: string }) {
  return (
    <div className="min-w-0 space-y-2">
      <h3 className="text-sm font-medium">{title}</h3>
      {waveform && <Waveform source={url} label={waveform} />}
      <audio controls preload="metadata" src={url} aria-label={label} className="w-full" />
      {download && (
        <a className={downloadButton} href={`${url}?download=1`} download aria-label={download === "Download" ? undefined : download}>
          Download
        </a>
      )}
    </div>
  );
}

function SideBySide({ conversion, audioUrl }: { conversion: Conversion; audioUrl: string }) {
  const cover = isCover(conversion);
  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2">
        <Player title="Input" url={conversion.inputUrl} label="Input audio" waveform="Input waveform" />
        {cover ? (
          <Player title="Cover (mix)" url={audioUrl} label="Cover mix audio" download="Download the mix" waveform="Cover mix waveform" />
        ) : (
          <Player title="Converted" url={audioUrl} label="Converted audio" download="Download" waveform="Converted waveform" />
        )}
      </div>
      {cover && conversion.stems && (
        <div className="grid gap-4 border-t border-zinc-200 pt-4 md:grid-cols-2 dark:border-zinc-800" data-testid="cover-stems">
          <Player title="Converted vocals" url={conversion.stems.vocals} label="Converted vocals audio" download="Download the converted vocals" />
          <Player title="Accompaniment" url={conversion.stems.accompaniment} label="Accompaniment audio" download="Download the accompaniment" />
        </div>
      )}
    </div>
  );
}

const STEP_TEXT: Record<StepState, (s: CoverStep) => string> = {
  waiting: () => "waiting",
  running: (s) => `${s.percent}%`,
  done: () => "done",
  cached: () => "cached",
  failed: () => "failed",
  cancelled: () => "cancelled",
};
// the badge colour of each state (StatusBadge's tones by status name)
const STEP_TONE: Record<StepState, string> = { waiting: "queued", running: "running", done: "succeeded", cached: "succeeded", failed: "failed", cancelled: "cancelled" };

/** A cover's three steps (Separating, Converting, Mixing), each waiting, running with its percent, done or cached. */
function CoverSteps({ live, status }: { live: LiveJob | undefined; status: string }) {
  const steps = coverSteps(live?.stages, live?.status ?? status);
  return (
    <ol aria-label="Cover steps" className="flex flex-col gap-x-6 gap-y-2 text-sm sm:flex-row sm:flex-wrap" data-testid="cover-steps">
      {steps.map((s, i) => (
        <li key={s.stage} className="flex items-center gap-2" data-testid="cover-step" data-step={s.stage} data-state={s.state}>
          <span className={mutedText}>{i + 1}.</span>
          <span className={s.state === "running" ? "font-medium" : undefined}>{s.label}</span>
          <StatusBadge status={STEP_TEXT[s.state](s)} tone={STEP_TONE[s.state]} />
        </li>
      ))}
    </ol>
  );
}
