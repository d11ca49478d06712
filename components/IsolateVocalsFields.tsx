"use client";
/**
 * The experiment's "isolate vocals" switch in its settings form (issue 19): each new upload is separated after it
 * arrives. When it is on and files uploaded before are not separated, "Isolate vocals in N files" queues them
 * (POST …/separate). Without the separation model the switch cannot be turned on, and the form says what is missing.
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api-client";
import { Field, mutedText, secondaryButton, useToast } from "./ui";

export function IsolateVocalsFields({
  experiment,
  value,
  saved,
  onChange,
  filesToSeparate,
  modelMissing,
  disabled = false,
}: {
  experiment: string;
  value: boolean;
  /** the stored setting (the bulk button is offered for it, not for an unsaved tick) */
  saved: boolean;
  onChange: (v: boolean) => void;
  /** ready files not separated yet and with no separation queued */
  filesToSeparate: number;
  /** what is missing for separation (the model file and the fix); null when it can run */
  modelMissing: string | null;
  disabled?: boolean;
}) {
  const router = useRouter();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  // turning it on needs the model; turning it off never does
  const locked = disabled || (modelMissing !== null && !value);

  async function separateAll() {
    setBusy(true);
    try {
      const res = await callApi<{ jobs: unknown[] }>(`/api/experiments/${encodeURIComponent(experiment)}/separate`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      toast(res.jobs.length ? `Isolating the vocals of ${res.jobs.length} file(s): follow them under Jobs` : "Every file is separated or queued already");
      router.refresh();
    } catch (err) {
      toast((err as Error).message, "error");
    } finally {
      setBusy(false);
    }
  }

  const files = filesToSeparate === 1 ? "1 file" : `${filesToSeparate} files`;
  return (
    <fieldset className="space-y-2 rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Vocal isolation</legend>
      <Field
        inline
        label="Isolate vocals of every new upload"
        help="For songs or recordings with music: each upload is split into vocals and accompaniment (MDX-Net) after it arrives, and training uses the vocals. The uploads are kept as they are; a file's row can switch back to its mix."
        error={modelMissing}
      >
        {(c) => <input {...c} type="checkbox" name="isolateVocals" className="h-4 w-4 shrink-0" checked={value} disabled={locked} onChange={(e) => onChange(e.target.checked)} />}
      </Field>
      {saved && !disabled && filesToSeparate > 0 && (
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" className={secondaryButton} disabled={busy || modelMissing !== null} onClick={() => void separateAll()} data-testid="separate-all">
            Isolate vocals in {files}
          </button>
          <span className={`text-xs ${mutedText}`}>uploaded before the switch was on; new uploads are separated by themselves</span>
        </div>
      )}
    </fieldset>
  );
}
