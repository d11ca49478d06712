// onnxruntime-node sessions for the worker: one InferenceSession per model file per process (cached), on the CUDA
// execution provider when this install has it, else CPU; a CUDA session that cannot be created falls back to CPU
// with the reason logged. Inputs are fed BY POSITION (rvc-formats "our decisions": the real models' tensor names are
// unconfirmed, every upstream consumer uses positions), and outputs are returned by position too.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { InferenceSession, Tensor } from "onnxruntime-node";

type Ort = typeof import("onnxruntime-node");

export type ExecutionProvider = "cuda" | "cpu";
/** "auto": CUDA when the install has its provider library, CPU otherwise. */
export type ProviderPreference = "auto" | ExecutionProvider;

export interface SessionLog {
  (level: "info" | "warn", message: string): void;
}

export interface GetSessionOptions {
  provider?: ProviderPreference;
  /** Environment variable that names this model (e.g. "HUBERT_PATH"), used in error messages. */
  envVar?: string;
  /** CPU threads for one session (onnxruntime's default is one per core). */
  intraOpNumThreads?: number;
  /** CUDA device index. */
  deviceId?: number;
  log?: SessionLog;
}

export interface TensorInfo {
  name: string;
  /** element type, e.g. "float32"; null for a non-tensor value */
  type: string | null;
  /** dims; strings are symbolic (dynamic) dimensions */
  shape: readonly (number | string)[];
}

export interface ModelSession {
  /** absolute path of the model file */
  readonly path: string;
  /** the provider the session actually runs on */
  readonly provider: ExecutionProvider;
  /** why CUDA was not used when it was asked for or available; null otherwise */
  readonly fallbackReason: string | null;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /**
   * Run with `inputs[i]` fed to the model's i-th input; returns every output in the model's order. Calls on one
   * session run one at a time (GPU work is one model call at a time; CPU gets its threads from onnxruntime).
   */
  run(inputs: readonly Tensor[]): Promise<Tensor[]>;
  /** Make a float32 tensor (no copy) with the runtime this session was made with. */
  float32(data: Float32Array, dims: readonly number[]): Tensor;
  /** Make an int64 tensor (no copy). */
  int64(data: BigInt64Array, dims: readonly number[]): Tensor;
}

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFileError";
  }
}

let ortPromise: Promise<Ort> | undefined;
/** onnxruntime-node, loaded on first use so that importing this module costs nothing. */
export function loadOrt(): Promise<Ort> {
  ortPromise ??= import("onnxruntime-node").then((m) => ((m as unknown as { default?: Ort }).default ?? m) as Ort);
  return ortPromise;
}

/** Whether this onnxruntime-node install can run the CUDA provider: the binding lists it and its library is present. */
export async function cudaProviderAvailable(): Promise<{ available: boolean; reason: string }> {
  const ort = await loadOrt();
  const backends = ort.listSupportedBackends?.() ?? [];
  if (!backends.some((b) => b.name === "cuda")) return { available: false, reason: "onnxruntime-node lists no cuda backend" };
  if (!cudaLibraryInstalled()) {
    return {
      available: false,
      reason: "the onnxruntime CUDA provider library is not installed (install with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci)",
    };
  }
  return { available: true, reason: "cuda provider library present" };
}

function cudaLibraryInstalled(): boolean {
  let binDir: string;
  try {
    binDir = path.join(path.dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json")), "bin");
  } catch {
    binDir = path.resolve("node_modules/onnxruntime-node/bin");
  }
  const walk = (d: string, depth: number): boolean => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return false;
    }
    return entries.some((e) =>
      e.isDirectory() ? depth < 6 && walk(path.join(d, e.name), depth + 1) : /onnxruntime_providers_cuda/.test(e.name),
    );
  };
  return walk(binDir, 0);
}

const sessions = new Map<string, Promise<ModelSession>>();

/**
 * The cached session for `modelPath` (one per resolved path, provider preference and CUDA device). A missing or unreadable file
 * throws a ModelFileError that names `envVar`. A failed creation is not cached, so a later call retries.
 */
export function getSession(modelPath: string, options: GetSessionOptions = {}): Promise<ModelSession> {
  const abs = path.resolve(modelPath);
  // one session per device: jobs on different GPU slots must not share one (worker/slots.ts)
  const key = `${abs}\0${options.provider ?? "auto"}\0${options.deviceId ?? 0}`;
  let p = sessions.get(key);
  if (!p) {
    p = createModelSession(abs, options);
    sessions.set(key, p);
    p.catch(() => sessions.delete(key));
  }
  return p;
}

/**
 * Release the cached sessions of models under `dir` other than `keep` (the conversion job keeps one voice model's
 * synthesizer, not one per model ever used; jobs that use a model session run one at a time per worker).
 */
export async function releaseSessionsUnder(dir: string, keep: string): Promise<void> {
  const root = path.resolve(dir) + path.sep;
  const kept = path.resolve(keep);
  for (const [key, p] of [...sessions]) {
    const file = key.split("\0")[0]!;
    if (!file.startsWith(root) || file === kept) continue;
    sessions.delete(key);
    await p.then((s) => (s as ModelSessionImpl).release(), () => undefined);
  }
}

/** Release every cached session (tests, shutdown). */
export async function disposeSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const p of all) {
    try {
      const s = (await p) as ModelSessionImpl;
      await s.release();
    } catch {
      // a session that never opened has nothing to release
    }
  }
}

/** The sessions this process holds now: path and provider (for capabilities and job logs). */
export async function openSessions(): Promise<{ path: string; provider: ExecutionProvider; fallbackReason: string | null }[]> {
  const out = [];
  for (const p of sessions.values()) {
    try {
      const s = await p;
      out.push({ path: s.path, provider: s.provider, fallbackReason: s.fallbackReason });
    } catch {
      // skip failed ones
    }
  }
  return out;
}

function describeModel(abs: string, envVar?: string): string {
  return envVar ? `${envVar} (${abs})` : abs;
}

async function createModelSession(abs: string, options: GetSessionOptions): Promise<ModelSession> {
  const what = describeModel(abs, options.envVar);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(abs);
  } catch {
    throw new ModelFileError(`model file not found: ${what}; run \`npm run assets\` or set ${options.envVar ?? "the model path"}`);
  }
  if (!stat.isFile()) throw new ModelFileError(`model path is not a file: ${what}`);
  if (stat.size === 0) throw new ModelFileError(`model file is empty: ${what}`);

  const ort = await loadOrt();
  const pref = options.provider ?? "auto";
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: "all",
    // no CPU memory arena: it grows to the largest input ever seen (a 43 s conversion segment: GBs) and never gives
    // memory back; without it a 30-min conversion peaked at 1.5 GB instead of 2.6 GB and dropped to 0.56 GB after
    enableCpuMemArena: false,
    logSeverityLevel: 3,
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  };
  const log = options.log ?? (() => {});

  let fallbackReason: string | null = null;
  if (pref !== "cpu") {
    const cuda = await cudaProviderAvailable();
    if (cuda.available) {
      try {
        const session = await ort.InferenceSession.create(abs, {
          ...base,
          executionProviders: [{ name: "cuda", deviceId: options.deviceId ?? 0 }, "cpu"],
        });
        log("info", `onnx: ${path.basename(abs)} on cuda`);
        return new ModelSessionImpl(ort, session, abs, "cuda", null);
      } catch (err) {
        fallbackReason = `cuda session creation failed: ${firstLine(err)}`;
      }
    } else {
      fallbackReason = cuda.reason;
    }
    if (pref === "cuda") throw new Error(`CUDA was required for ${what} but is not usable: ${fallbackReason}`);
  }
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(abs, { ...base, executionProviders: ["cpu"] });
  } catch (err) {
    throw new ModelFileError(`cannot load ONNX model ${what}: ${firstLine(err)}`);
  }
  if (fallbackReason && pref === "auto" && !/lists no cuda backend|not installed/.test(fallbackReason)) {
    log("warn", `onnx: ${path.basename(abs)} falls back to cpu: ${fallbackReason}`);
  } else {
    log("info", `onnx: ${path.basename(abs)} on cpu${cpuReasonNote(fallbackReason)}`);
  }
  return new ModelSessionImpl(ort, session, abs, "cpu", fallbackReason);
}

let cudaHintSaid = false;

/** Whether this machine shows an NVIDIA GPU (its driver is loaded). */
function nvidiaGpuVisible(): boolean {
  return fs.existsSync("/proc/driver/nvidia/version");
}

/**
 * Why a session runs on the CPU, as its log line says it: " (reason)" or nothing. The "install the CUDA provider"
 * hint is said once per process, and only on a machine with an NVIDIA GPU (on a CPU machine it is noise).
 */
export function cpuReasonNote(reason: string | null, gpuVisible = nvidiaGpuVisible()): string {
  if (!reason) return "";
  if (/not installed|lists no cuda backend/.test(reason)) {
    if (!gpuVisible || cudaHintSaid) return "";
    cudaHintSaid = true;
  }
  return ` (${reason})`;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.trim().split("\n")[0] ?? msg;
}

function metadata(names: readonly string[], meta: readonly InferenceSession.ValueMetadata[] | undefined): TensorInfo[] {
  return names.map((name, i) => {
    const m = meta?.[i];
    if (m && m.isTensor) return { name, type: m.type, shape: m.shape };
    return { name, type: m ? null : "unknown", shape: [] };
  });
}

class ModelSessionImpl implements ModelSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly path: string,
    readonly provider: ExecutionProvider,
    readonly fallbackReason: string | null,
  ) {
    this.inputs = metadata(session.inputNames, session.inputMetadata);
    this.outputs = metadata(session.outputNames, session.outputMetadata);
  }

  float32(data: Float32Array, dims: readonly number[]): Tensor {
    return new this.ort.Tensor("float32", data, dims);
  }

  int64(data: BigInt64Array, dims: readonly number[]): Tensor {
    return new this.ort.Tensor("int64", data, dims);
  }

  run(inputs: readonly Tensor[]): Promise<Tensor[]> {
    if (inputs.length !== this.inputs.length) {
      return Promise.reject(
        new Error(`${path.basename(this.path)} takes ${this.inputs.length} input(s), got ${inputs.length}`),
      );
    }
    const feeds: Record<string, Tensor> = {};
    this.inputs.forEach((info, i) => (feeds[info.name] = inputs[i]!));
    const next = this.queue.then(async () => {
      const result = await this.session.run(feeds);
      return this.outputs.map((o) => result[o.name] as Tensor);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async release(): Promise<void> {
    await this.queue;
    await this.session.release();
  }
}
