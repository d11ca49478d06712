"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { PRECISIONS, TRAIN_DEFAULTS } from "@/lib/train-options";
import { callApi } from "./api-client";
import { TrainingCharts } from "./TrainingCharts";
import { inputClass } from "./SettingsFields";
import { Field } from "@/components/ui";
import { TrainValidationFields } from "./TrainValidationFields";
import { VALIDATION_DEFAULTS, validationOptions } from "./train-validation-options";
import { formatDateTime } from "@/lib/format";
import type { LiveJob } from "./useJobEvents";

export interface TrainJobSummary {
  id: string;
  status: string;
  /** metric events stored so far (the live stream adds to them) */
}

const MAX_EPOCHS = 10_000;

/** Pure: what is wrong with a typed whole number (empty, not whole, out of 1…max), or undefined. */
export function wholeNumberError(typed: string, what: string, max: number): string | undefined {
  const n = Number(typed);
  if (typed.trim() === "" || !Number.isInteger(n) || n < 1 || n > max) return `enter ${what} (1–${max})`;
  return undefined;
}

/** Training options, "train / run whole pipeline / continue", live loss charts and the checkpoint list. */
export function TrainPanel({
  experiment,
  trainJobId,
  live,
  hasModel,
  readOnly = false,
  blocked,
}: {
  experiment: string;
  trainJobId: string | null;
  live: LiveJob | undefined;
  hasModel: boolean;
  readOnly?: boolean;
  /** why Train cannot start now (disabled, the reason shown) */
  blocked?: string;
}) {
  const router = useRouter();
  // numbers as typed: an emptied field stays empty (and says so) instead of becoming 0
  const [o, setO] = useState({
    epochs: String(TRAIN_DEFAULTS.epochs),
    batchSize: String(TRAIN_DEFAULTS.batchSize),
    saveEvery: String(TRAIN_DEFAULTS.saveEvery),
    saveLatestOnly: TRAIN_DEFAULTS.saveLatestOnly,
    pretrained: "default" as "default" | "none" | "custom",
    precision: TRAIN_DEFAULTS.precision as string,
    gpus: "",
  });
  const [validation, setValidation] = useState(VALIDATION_DEFAULTS);
  const [more, setMore] = useState(10);
  const [custom, setCustom] = useState<{ g: File | null; d: File | null }>({ g: null, d: null });
  const [error, setError] = useState<string | null>(null);

  /** custom weights are uploaded first; the train request then names the stored files */
  async function pretrainedChoice(): Promise<"default" | "none" | { g: string; d: string }> {
    if (o.pretrained !== "custom") return o.pretrained;
    if (!custom.g || !custom.d) throw new Error("choose both custom files: the generator (G…pth) and the discriminator (D…pth)");
    const fd = new FormData();
    fd.append("g", custom.g);
    fd.append("d", custom.d);
    const res = await fetch("/api/pretrained", { method: "POST", body: fd });
    const out = (await res.json()) as { pretrained?: { g: string; d: string }; error?: { message: string } };
    if (!res.ok || !out.pretrained) throw new Error(out.error?.message ?? `upload failed (HTTP ${res.status})`);
    return out.pretrained;
  }
  const epochsError = wholeNumberError(o.epochs, "the number of epochs", MAX_EPOCHS);
  const body = async () => {
    const bad = epochsError ?? wholeNumberError(o.batchSize, "a batch size", 256) ?? wholeNumberError(o.saveEvery, "how often to save", MAX_EPOCHS);
    if (bad) throw new Error(bad);
    const checks = validationOptions(validation);
    return {
      epochs: Number(o.epochs),
      batchSize: Number(o.batchSize),
      saveEvery: Math.min(Number(o.saveEvery), Number(o.epochs)),
      saveLatestOnly: o.saveLatestOnly,
      pretrained: await pretrainedChoice(),
      precision: o.precision,
      gpus: o.gpus.trim() ? o.gpus.split(",").map((g) => Number(g.trim())) : [],
      ...checks,
    };
  };
  async function post(path: string, payload: object | (() => Promise<object>)) {
    setError(null);
    try {
      const data = typeof payload === "function" ? await payload() : payload;
      await callApi(`/api/experiments/${experiment}/${path}`, { method: "POST", body: JSON.stringify(data) });
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const metrics = (live?.metrics ?? []).map((m) => m.data ?? {});
  const checkpoints = metrics.filter((m) => m.kind === "checkpoint");
  const text = (k: "epochs" | "batchSize" | "saveEvery") => (e: React.ChangeEvent<HTMLInputElement>) => setO({ ...o, [k]: e.target.value });

  return (
    <section className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Training">
      <h2 className="font-semibold">Training</h2>
      {readOnly && <p className="text-xs text-zinc-600 dark:text-zinc-400">Members and admins start training here; you can follow it.</p>}
      {!readOnly && (
        <>
          <div className="grid gap-3 text-sm sm:grid-cols-4">
            <Field label="Epochs" help={`Passes over the whole dataset (1–${MAX_EPOCHS}); 20–200 is usual.`} error={epochsError}>
              {(ids) => <input {...ids} name="epochs" type="number" min={1} max={MAX_EPOCHS} className={inputClass} value={o.epochs} onChange={text("epochs")} />}
            </Field>
            <Field label="Batch size" help="Clips per training step: lower it if the GPU runs out of memory.">
              {(ids) => <input {...ids} name="batchSize" type="number" min={1} className={inputClass} value={o.batchSize} onChange={text("batchSize")} />}
            </Field>
            <Field label="Save every N epochs" help="How often a checkpoint is written (training can resume from it).">
              {(ids) => <input {...ids} name="saveEvery" type="number" min={1} className={inputClass} value={o.saveEvery} onChange={text("saveEvery")} />}
            </Field>
            <Field inline label="Keep latest checkpoint only" help="Replace the previous checkpoint at each save instead of keeping all (saves disk).">
              {(ids) => <input {...ids} type="checkbox" checked={o.saveLatestOnly} onChange={(e) => setO({ ...o, saveLatestOnly: e.target.checked })} />}
            </Field>
            <Field label="Pretrained" help="Start from RVC's pretrained weights (in ASSETS_ROOT, from npm run assets): far fewer epochs needed.">
              {(ids) => (
                <select {...ids} name="pretrained" className={inputClass} value={o.pretrained} onChange={(e) => setO({ ...o, pretrained: e.target.value as "default" | "none" | "custom" })}>
                  <option value="default">default (v2)</option>
                  <option value="none">none (from scratch)</option>
                  <option value="custom">custom (upload)</option>
                </select>
              )}
            </Field>
            {o.pretrained === "custom" && (
              <div className="text-sm sm:col-span-2">
                <label className="block">
                  Generator (G…pth)
                  <input type="file" accept=".pth" className="block text-xs" onChange={(e) => setCustom({ ...custom, g: e.target.files?.[0] ?? null })} />
                </label>
                <label className="block">
                  Discriminator (D…pth)
                  <input type="file" accept=".pth" className="block text-xs" onChange={(e) => setCustom({ ...custom, d: e.target.files?.[0] ?? null })} />
                </label>
              </div>
            )}
            <Field label="Precision" help="auto: fp16/bf16 on a GPU that supports it, fp32 on CPU. fp32 is slowest but safest.">
              {(ids) => (
                <select {...ids} name="precision" className={inputClass} value={o.precision} onChange={(e) => setO({ ...o, precision: e.target.value })}>
                  {PRECISIONS.map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="GPU ids" help="Comma-separated CUDA device numbers; empty: the first GPU, or the CPU.">
              {(ids) => <input {...ids} name="gpus" placeholder="e.g. 0,1" className={inputClass} value={o.gpus} onChange={(e) => setO({ ...o, gpus: e.target.value })} />}
            </Field>
            <TrainValidationFields experiment={experiment} value={validation} onChange={setValidation} />
          </div>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <button
              onClick={() => post("train", body)}
              disabled={blocked !== undefined}
              aria-describedby={blocked ? "train-blocked" : undefined}
              className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-50"
            >
              Train
            </button>
            <button onClick={() => post("pipeline", body)} className="rounded border border-indigo-300 px-3 py-1.5 text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950">
              Run whole pipeline
            </button>
            <span className="ml-4">Continue training for</span>
            <input aria-label="More epochs" type="number" min={1} className={`${inputClass} !mt-0 !w-20`} value={more} onChange={(e) => setMore(Number(e.target.value))} />
            <button onClick={() => post("train", async () => ({ ...(await body()), epochs: undefined, moreEpochs: more }))} className="rounded border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800">
              more epochs
            </button>
            {hasModel && (
              <button onClick={() => post("index", {})} className="rounded border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800">
                Rebuild index
              </button>
            )}
          </div>
          {blocked && (
            <p id="train-blocked" className="text-sm text-amber-800 dark:text-amber-300" data-testid="train-blocked">
              {blocked}
            </p>
          )}
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Defaults as in RVC: 20 epochs, batch 4, a checkpoint every 5 epochs, the v2 pretrained weights; 5 % of the clips are
            held out to score each checkpoint. The whole pipeline runs preprocess → extract → train (training builds the index at
            the end). A continued training keeps its held-out clips and preview clip.
          </p>
        </>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {trainJobId && (
        <div className="space-y-3">
          <TrainingCharts experiment={experiment} live={live} />
          <div className="text-sm">
            <h3 className="font-medium">Checkpoints</h3>
            {checkpoints.length === 0 ? (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">none yet</p>
            ) : (
              <ul className="text-xs" data-testid="checkpoints">
                {checkpoints.map((c) => (
                  <li key={`${c.step}-${c.at}`}>
                    epoch {c.epoch} · step {c.step} · {c.reason} · {formatDateTime(c.at as string)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
