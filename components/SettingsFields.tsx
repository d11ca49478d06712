"use client";
import { F0_METHODS, SAMPLE_RATES, VERSIONS, type ExperimentSettings } from "@/lib/experiment-rules";
import { Field, inputClass as field } from "@/components/ui";

/** One line each: what the setting decides, and what changing it later costs (lib/stage-settings.ts). */
export const SETTING_HELP: Record<keyof ExperimentSettings, string> = {
  sampleRate: "Rate the model is trained at: 40 kHz suits most voices, 48 kHz for studio recordings. Changing it later means preprocessing again.",
  f0Method: "How the voice's pitch is tracked: rmvpe is more accurate (needs the RMVPE model), yin needs no model file.",
  version: "RVC model generation: v2 (768-dim features) is the current one; v1 only for old pretrained weights.",
};

/** The three training settings of an experiment, shared by the create and edit forms. */
export function SettingsFields({
  value,
  onChange,
}: {
  value: ExperimentSettings;
  onChange: (v: ExperimentSettings) => void;
}) {
  return (
    <>
      <Field label="Sample rate" help={SETTING_HELP.sampleRate}>
        {(ids) => (
          <select
            {...ids}
            name="sampleRate"
            className={field}
            value={value.sampleRate}
            onChange={(e) => onChange({ ...value, sampleRate: Number(e.target.value) as ExperimentSettings["sampleRate"] })}
          >
            {SAMPLE_RATES.map((r) => (
              <option key={r} value={r}>
                {r / 1000} kHz
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Pitch method" help={SETTING_HELP.f0Method}>
        {(ids) => (
          <select {...ids} name="f0Method" className={field} value={value.f0Method} onChange={(e) => onChange({ ...value, f0Method: e.target.value as ExperimentSettings["f0Method"] })}>
            {F0_METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Version" help={SETTING_HELP.version}>
        {(ids) => (
          <select {...ids} name="version" className={field} value={value.version} onChange={(e) => onChange({ ...value, version: e.target.value as ExperimentSettings["version"] })}>
            {VERSIONS.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}

export const inputClass = field;
