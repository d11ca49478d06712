"use client";
import { inputClass } from "../SettingsFields";
import type { ModelSummary } from "./types";

export const hasOnnx = (m: ModelSummary) => m.files.some((f) => f.kind === "onnx");

/** Conversion runs the ONNX export, so a model whose export has not finished is listed but cannot be chosen. */
export function ModelPicker({ models, value, onChange }: { models: ModelSummary[] | null; value: string; onChange: (id: string) => void }) {
  if (models && models.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No models yet: train one from an experiment or import one on the Models page.</p>;
  }
  return (
    <label className="block text-sm">
      Model
      <select className={inputClass} value={value} disabled={!models} onChange={(e) => onChange(e.target.value)}>
        <option value="">{models ? "Choose a model…" : "Loading models…"}</option>
        {models?.map((m) => (
          <option key={m.id} value={m.id} disabled={!hasOnnx(m)}>
            {`${m.name} · ${m.sampleRate / 1000}k ${m.version}${hasOnnx(m) ? "" : " — ONNX export pending"}`}
          </option>
        ))}
      </select>
    </label>
  );
}
