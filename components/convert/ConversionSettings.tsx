"use client";
import { CONVERSION_DEFAULTS, CONVERSION_FIELDS, CONVERSION_PARAM_NAMES, type ConversionParams } from "@/lib/conversion-params";
import { inputClass } from "../SettingsFields";
import { RangeInput } from "./RangeInput";

/** Form values as typed: strings, so a half-typed number is not coerced; the API validates and explains. */
export type ParamValues = Record<keyof ConversionParams, string>;

export const defaultParamValues = (): ParamValues =>
  Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, String(CONVERSION_DEFAULTS[n])])) as ParamValues;

/** Every conversion setting, rendered from the shared table so labels, ranges and help never drift from the API. */
export function ConversionSettings({ value, onChange }: { value: ParamValues; onChange: (v: ParamValues) => void }) {
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">Settings</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        {CONVERSION_PARAM_NAMES.map((name) => {
          const field = CONVERSION_FIELDS[name];
          const helpId = `conversion-help-${name}`;
          const set = (v: string) => onChange({ ...value, [name]: v });
          return (
            <div key={name} className="text-sm">
              <label>
                {field.label}
                {field.kind === "choice" ? (
                  <select name={name} className={inputClass} value={value[name]} aria-describedby={helpId} onChange={(e) => set(e.target.value)}>
                    {field.choices.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                ) : (
                  <RangeInput name={name} field={field} value={value[name]} aria-describedby={helpId} onValue={set} />
                )}
              </label>
              <p id={helpId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                {field.kind === "number" && `${field.min} to ${field.max}. `}
                {field.help}
              </p>
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="rounded border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800"
        onClick={() => onChange(defaultParamValues())}
      >
        Reset to defaults
      </button>
    </fieldset>
  );
}

/** One short line for the history table, e.g. "+2 st · yin · index 0.75 · protect 0.33". */
export function summarizeParams(p: ConversionParams): string {
  const pitch = `${p.pitch > 0 ? "+" : ""}${p.pitch} st`;
  return [pitch, p.f0Method, `index ${p.indexRate}`, `protect ${p.protect}`, `filter ${p.filterRadius}`, `mix ${p.rmsMixRate}`].join(" · ");
}
