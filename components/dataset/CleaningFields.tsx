"use client";
/** The dataset doctor's cleaning options in the experiment's settings form (preprocess applies them; uploads stay as they are). */
import type { CleaningOptions } from "@/lib/dataset/analysis";
import { Field, inputClass, mutedText } from "@/components/ui";

export function CleaningFields({ value, onChange, disabled = false }: { value: CleaningOptions; onChange: (v: CleaningOptions) => void; disabled?: boolean }) {
  const box = "h-4 w-4 shrink-0";
  return (
    <fieldset disabled={disabled} className="space-y-2 rounded border border-zinc-200 p-3 dark:border-zinc-800" aria-describedby="cleaning-help">
      <legend className="px-1 text-sm font-medium">Cleaning (applied by preprocess)</legend>
      <p id="cleaning-help" className={`text-xs ${mutedText}`}>
        Cleans the training slices only: the uploaded originals are never changed. A change makes preprocess out of date. Hear the effect on a file&apos;s page (before/after).
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field inline label="Remove DC offset">
          {(c) => <input {...c} type="checkbox" name="removeDc" className={box} checked={value.removeDc} onChange={(e) => onChange({ ...value, removeDc: e.target.checked })} />}
        </Field>
        <Field inline label="Denoise (spectral gating, noise profile from each file's quiet parts)">
          {(c) => <input {...c} type="checkbox" name="denoise" className={box} checked={value.denoise} onChange={(e) => onChange({ ...value, denoise: e.target.checked })} />}
        </Field>
        <div className="space-y-1">
          <Field inline label="Normalise loudness">
            {(c) => (
              <input {...c} type="checkbox" name="normalize" className={box} checked={value.normalizeLufs !== null} onChange={(e) => onChange({ ...value, normalizeLufs: e.target.checked ? -23 : null })} />
            )}
          </Field>
          {value.normalizeLufs !== null && (
            <Field label="Target (LUFS, −40 to −10)">
              {(c) => (
                <input {...c} type="number" name="normalizeLufs" min={-40} max={-10} step={1} className={inputClass} value={value.normalizeLufs ?? -23} onChange={(e) => onChange({ ...value, normalizeLufs: Number(e.target.value) })} />
              )}
            </Field>
          )}
        </div>
        <div className="space-y-1">
          <Field inline label="Shorten long silences">
            {(c) => (
              <input {...c} type="checkbox" name="trimSilence" className={box} checked={value.trimSilenceSec !== null} onChange={(e) => onChange({ ...value, trimSilenceSec: e.target.checked ? 1 : null })} />
            )}
          </Field>
          {value.trimSilenceSec !== null && (
            <Field label="Longest silence kept (seconds, 0.1 to 10)">
              {(c) => (
                <input {...c} type="number" name="trimSilenceSec" min={0.1} max={10} step={0.1} className={inputClass} value={value.trimSilenceSec ?? 1} onChange={(e) => onChange({ ...value, trimSilenceSec: Number(e.target.value) })} />
              )}
            </Field>
          )}
        </div>
      </div>
    </fieldset>
  );
}
