"use client";
import { JobProgress } from "../JobProgress";
import { useLiveConversion } from "./useLiveConversion";
import { isActive, type Conversion } from "./types";
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
          </p>
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

function SideBySide({ conversion, audioUrl }: { conversion: Conversion; audioUrl: string }) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div className="space-y-2">
        <h3 className="text-sm font-medium">Input</h3>
        <Waveform source={conversion.inputUrl} label="Input waveform" />
        <audio controls preload="metadata" src={conversion.inputUrl} aria-label="Input audio" className="w-full" />
      </div>
      <div className="space-y-2">
        <h3 className="text-sm font-medium">Converted</h3>
        <Waveform source={audioUrl} label="Converted waveform" />
        <audio controls preload="metadata" src={audioUrl} aria-label="Converted audio" className="w-full" />
        <a className="inline-block rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500" href={`${audioUrl}?download=1`} download>
          Download
        </a>
      </div>
    </div>
  );
}
