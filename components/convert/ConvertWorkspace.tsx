"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { AudioInput } from "./AudioInput";
import { listConversions, listModels, RequestError, startBatch, startConversion, startCover } from "./api";
import { BatchResult } from "./BatchResult";
import { ConversionHistory } from "./ConversionHistory";
import { ConversionResult } from "./ConversionResult";
import { ConversionSettings, defaultParamValues, type ParamValues } from "./ConversionSettings";
import { defaultMixValues, type MixValues } from "./cover";
import { CoverSettings, type SeparationProblem } from "./CoverSettings";
import { ModeChoice, type ConvertMode } from "./ModeChoice";
import { hasOnnx, ModelPicker } from "./ModelPicker";
import type { Batch, Conversion, ModelSummary } from "./types";

const HISTORY_LIMIT = 20;
// an imported model gets its ONNX file from a background export: look again until every model has one
const PENDING_MODELS_POLL_MS = 3000;

/**
 * The conversion page: choose model, input, mode (voice only, or a song whose vocals are separated first and mixed
 * back) and settings; submit; follow the result; browse recent conversions. `separationProblem`: the page's check
 * of the separation model (song mode says what is missing; voice mode does not need it).
 */
export function ConvertWorkspace({ initialModelId, separationProblem }: { initialModelId: string | null; separationProblem: SeparationProblem | null }) {
  const { models, error: modelsError } = useModels();
  const [modelId, setModelId] = useState(initialModelId ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [batchFiles, setBatchFiles] = useState<File[] | null>(null);
  const [batch, setBatch] = useState<Batch | null>(null);
  const [params, setParams] = useState<ParamValues>(defaultParamValues);
  const [mode, setMode] = useState<ConvertMode>("voice");
  const [mix, setMix] = useState<MixValues>(defaultMixValues);
  const [problem, setProblem] = useState<SeparationProblem | null>(separationProblem);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [current, setCurrent] = useState<Conversion | null>(null);
  const [history, setHistory] = useState<Conversion[] | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);

  const refreshHistory = useCallback(() => {
    listConversions(HISTORY_LIMIT)
      .then((rows) => {
        setHistory(rows);
        setHistoryError(null);
      })
      .catch((err: Error) => setHistoryError(`Cannot list recent conversions: ${err.message}`));
  }, []);
  useEffect(refreshHistory, [refreshHistory]);

  // a finished run changes its history row too
  const onUpdate = useCallback((c: Conversion) => {
    setCurrent((prev) => (prev?.id === c.id ? c : prev));
    setHistory((rows) => rows?.map((r) => (r.id === c.id ? c : r)) ?? rows);
  }, []);

  const onBatchUpdate = useCallback(
    (b: Batch) => {
      setBatch((prev) => (prev?.id === b.id ? b : prev));
      if (b.status !== "queued" && b.status !== "running") refreshHistory();
    },
    [refreshHistory],
  );

  // nothing chosen and a single model, one that can convert: choose it (once, so "Choose a model…" stays choosable)
  const preselected = useRef(false);
  useEffect(() => {
    if (preselected.current || !models) return;
    if (models.length === 1 && !hasOnnx(models[0]!)) return; // its ONNX export is still running: wait for it
    preselected.current = true;
    if (modelId === "" && models.length === 1) setModelId(models[0]!.id);
  }, [modelId, models]);

  const chosen = models?.find((m) => m.id === modelId);
  const song = mode === "cover";
  // a cover is one song at a time (POST /api/covers takes one clip)
  const ready = !!chosen && hasOnnx(chosen) && (song ? !!file : !!file || !!batchFiles) && !busy;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      if (batchFiles && !song) {
        setBatch(await startBatch(batchFiles, modelId, params, requestKey()));
        refreshHistory();
        return;
      }
      const conversion = song ? await startCover(file!, modelId, params, mix) : await startConversion(file!, modelId, params);
      if (song) setProblem(null); // accepted: the model is there (again)
      setCurrent(conversion);
      refreshHistory();
    } catch (err) {
      // the model went missing since the page was loaded (or was never there): song mode shows what and the fix
      if (err instanceof RequestError && err.code === "separation_model_missing") {
        setProblem({ message: err.message, fix: typeof err.details?.fix === "string" ? err.details.fix : "npm run assets" });
      }
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-6">
      <form onSubmit={submit} noValidate aria-label="Conversion" className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <ModelPicker models={models} value={modelId} onChange={setModelId} />
        {modelsError && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{modelsError}</p>}
        {chosen && !hasOnnx(chosen) && <p className="text-sm text-amber-800 dark:text-amber-300">This model's ONNX export is still running; it can be used once it finishes.</p>}
        <ModeChoice
          value={mode}
          disabled={busy}
          onChange={(m) => {
            setMode(m);
            setError(null);
          }}
        />
        <AudioInput
          file={file}
          batch={batchFiles}
          disabled={busy}
          single={song}
          onChange={(f) => {
            setFile(f);
            setBatchFiles(null);
            setError(null);
          }}
          onBatch={(files) => {
            setBatchFiles(files);
            setFile(null);
            setError(null);
          }}
        />
        <ConversionSettings value={params} onChange={setParams} />
        {song && <CoverSettings value={mix} onChange={setMix} voicePitch={params.pitch} problem={problem} />}
        <div className="flex items-center gap-3">
          <button type="submit" disabled={!ready} className="rounded bg-indigo-600 px-4 py-1.5 font-medium text-white hover:bg-indigo-500 disabled:opacity-50">
            {busy ? "Uploading…" : song ? "Make cover" : batchFiles ? "Convert all" : "Convert"}
          </button>
          {!ready && !busy && (
            <span className="text-xs text-zinc-600 dark:text-zinc-400">
              {!chosen ? "Choose a model" : song && batchFiles ? "Song mode makes one cover at a time: choose a single song" : !file && !batchFiles ? "Choose or record a clip" : ""}
            </span>
          )}
        </div>
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="convert-error">
            {error}
          </p>
        )}
      </form>
      {batch && <BatchResult batch={batch} onUpdate={onBatchUpdate} />}
      <ConversionResult conversion={current} onUpdate={onUpdate} />
      <ConversionHistory
        conversions={history}
        loadError={historyError}
        selectedId={current?.id ?? null}
        onSelect={setCurrent}
        onDeleted={(id) => {
          setHistory((rows) => rows?.filter((r) => r.id !== id) ?? rows);
          setCurrent((c) => (c?.id === id ? null : c));
        }}
      />
    </div>
  );
}

/** A random Idempotency-Key; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
function requestKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The model list, re-read while any model still waits for its ONNX export. */
function useModels(): { models: ModelSummary[] | null; error: string | null } {
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    listModels()
      .then((m) => {
        setModels(m);
        setError(null);
      })
      .catch((err: Error) => setError(`Cannot list the models: ${err.message}`));
  }, []);
  useEffect(load, [load]);
  const pending = !!models?.some((m) => !hasOnnx(m));
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(load, PENDING_MODELS_POLL_MS);
    return () => clearInterval(timer);
  }, [pending, load]);
  return { models, error };
}
