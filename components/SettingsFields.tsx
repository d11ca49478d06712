"use client";
import { F0_METHODS, SAMPLE_RATES, VERSIONS, type ExperimentSettings } from "@/lib/experiment-rules";
import { inputClass as field } from "./ui";

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
      <label className="block text-sm">
        Sample rate
        <select
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
      </label>
      <label className="block text-sm">
        Pitch method
        <select
          name="f0Method"
          className={field}
          value={value.f0Method}
          onChange={(e) => onChange({ ...value, f0Method: e.target.value as ExperimentSettings["f0Method"] })}
        >
          {F0_METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-sm">
        Version
        <select
          name="version"
          className={field}
          value={value.version}
          onChange={(e) => onChange({ ...value, version: e.target.value as ExperimentSettings["version"] })}
        >
          {VERSIONS.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

export const inputClass = field;
