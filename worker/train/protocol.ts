/** The trainer's JSON-lines protocol on stdout (worker/trainer/README.md), parsed and typed. */

export type TrainerEvent =
  | { type: "start"; device: string; precision: string; epochs: number; start_epoch: number; steps_per_epoch: number; total_steps: number; items: number; batch_size: number; resumed_from: string | null; torch?: string; heldout?: number }
  | { type: "progress"; epoch: number; epochs: number; step: number; total_steps: number; steps_per_s: number | null }
  | { type: "epoch"; epoch: number; epochs: number; step: number; losses: Record<string, number | null>; lr: number; seconds: number }
  | { type: "checkpoint"; epoch: number; step: number; g: string; d: string; reason: string }
  | { type: "validation"; epoch: number; step: number; mel: number | null; stft: number | null; clips: number; seconds: number; preview?: string }
  | { type: "early_stop"; epoch: number; step: number; patience: number; best_epoch: number; best_mel: number; reason: string }
  | { type: "artifact"; kind: string; path: string }
  | { type: "warning"; message: string }
  | { type: "done"; epoch: number; step: number; seconds: number; artifacts: { small_model?: string; onnx?: string; index?: string }; early_stop?: { epoch: number; best_epoch: number; reason: string } }
  | { type: "stopped"; signal: string; step: number }
  | { type: "error"; message: string };

const TYPES = new Set(["start", "progress", "epoch", "checkpoint", "validation", "early_stop", "artifact", "warning", "done", "stopped", "error"]);

/** A stdout line → event, or null for anything that is not one of ours (it is then logged as text). */
export function parseTrainerLine(line: string): TrainerEvent | null {
  const t = line.trim();
  if (!t.startsWith("{")) return null;
  try {
    const v = JSON.parse(t) as { type?: unknown };
    return typeof v.type === "string" && TYPES.has(v.type) ? (v as TrainerEvent) : null;
  } catch {
    return null;
  }
}

/** Out-of-memory in the trainer's words or PyTorch's. */
export function isOutOfMemory(text: string): boolean {
  return /out of (GPU )?memory|CUDA out of memory|OutOfMemoryError/i.test(text);
}
