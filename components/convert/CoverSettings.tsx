"use client";
import { COVER_FIELDS, COVER_PARAM_NAMES } from "@/lib/cover-params";
import { Field, secondaryButton } from "@/components/ui";
import { RangeInput } from "./RangeInput";
import { SetupCallout } from "../SetupCallout";
import { defaultMixValues, followTranspose, type MixValues } from "./cover";

/** What song mode lacks: the separation model file (the page's check, or the 503 answer of POST /api/covers). */
export interface SeparationProblem {
  message: string;
  fix: string;
}

/**
 * Song mode's mix settings, rendered from the shared table (lib/cover-params.ts) with their ranges and help lines;
 * "Follow the voice's transpose" copies the voice's pitch shift to the accompaniment (clamped to its range). When
 * the separation model is missing it says which file and the command that fetches it.
 */
export function CoverSettings({
  value,
  onChange,
  voicePitch,
  problem,
}: {
  value: MixValues;
  onChange: (v: MixValues) => void;
  voicePitch: string;
  problem: SeparationProblem | null;
}) {
  const follow = followTranspose(voicePitch);
  return (
    <fieldset className="space-y-3" data-testid="cover-settings">
      <legend className="text-sm font-medium">Mix</legend>
      {problem && <SetupCallout items={[{ what: `Song mode cannot run here. ${problem.message}`, fix: problem.fix }]} />}
      <div className="grid gap-4 sm:grid-cols-3">
        {COVER_PARAM_NAMES.map((name) => {
          const field = COVER_FIELDS[name];
          return (
            <Field key={name} label={field.label} help={`${field.min} to ${field.max}. ${field.help}`}>
              {(control) => (
                <RangeInput {...control} name={name} field={field} value={value[name]} onValue={(v) => onChange({ ...value, [name]: v })} />
              )}
            </Field>
          );
        })}
      </div>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={secondaryButton}
          disabled={follow === null}
          title={follow === null ? "Set the voice's pitch shift to a number first" : undefined}
          onClick={() => follow !== null && onChange({ ...value, accompanimentPitch: follow })}
        >
          Follow the voice&apos;s transpose{follow !== null && ` (${Number(follow) > 0 ? "+" : ""}${follow} st)`}
        </button>
        <button type="button" className={secondaryButton} onClick={() => onChange(defaultMixValues())}>
          Reset the mix
        </button>
      </div>
    </fieldset>
  );
}
