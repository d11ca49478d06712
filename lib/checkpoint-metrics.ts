/**
 * Checkpoint timeline (issue 15): the train state and the trainer's metrics.json merged into one entry per checkpoint
 * epoch, and the recommended epoch. Pure: no I/O (lib/checkpoints.ts reads the files).
 */

export interface Validation {
  /** mel-spectrogram L1 on the held-out clips, scaled by the config's c_mel like the training's `mel` loss */
  mel: number;
  /** multi-resolution STFT distance (spectral convergence + log magnitude, mean over 3 resolutions) */
  stft: number;
  clips?: number;
}

export interface CheckpointEntry {
  epoch: number;
  step?: number;
  trainLoss: Record<string, number>;
  validation: Validation | null;
  createdAt: string | null;
  /** the generator checkpoint file still exists (a pruned or replaced one cannot be published) */
  available: boolean;
  published: boolean;
  /** the URL of the checkpoint's listening preview, or null (set by lib/checkpoints.ts, which checks the file) */
  preview: string | null;
}

export interface Recommendation {
  epoch: number;
  reason: string;
}

/** The trainer's metrics.json entry. */
export interface MetricsEntry {
  epoch: number;
  step?: number;
  train?: Record<string, number | null>;
  validation?: { mel?: number | null; stft?: number | null; clips?: number } | null;
  at?: string;
}

/** A train-state.json checkpoint entry. */
export interface StateCheckpoint {
  epoch: number;
  step: number;
  at: string;
  g?: string;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** One entry per epoch from both sources, oldest first. `available(c)` says whether its G file exists. */
export function mergeCheckpoints(
  state: StateCheckpoint[],
  metrics: MetricsEntry[],
  available: (c: StateCheckpoint) => boolean,
  publishedEpoch: number | null,
): CheckpointEntry[] {
  const byEpoch = new Map<number, CheckpointEntry>();
  for (const m of metrics) {
    if (!Number.isInteger(m.epoch)) continue;
    const v = m.validation;
    byEpoch.set(m.epoch, {
      epoch: m.epoch,
      ...(finite(m.step) ? { step: m.step } : {}),
      trainLoss: Object.fromEntries(Object.entries(m.train ?? {}).filter(([, x]) => finite(x))) as Record<string, number>,
      validation: v && finite(v.mel) && finite(v.stft) ? { mel: v.mel, stft: v.stft, ...(finite(v.clips) ? { clips: v.clips } : {}) } : null,
      createdAt: m.at ?? null,
      available: false,
      published: false,
      preview: null,
    });
  }
  for (const c of state) {
    const e = byEpoch.get(c.epoch) ?? { epoch: c.epoch, trainLoss: {}, validation: null, createdAt: null, available: false, published: false, preview: null };
    byEpoch.set(c.epoch, { ...e, step: c.step, createdAt: c.at ?? e.createdAt, available: e.available || available(c) });
  }
  return [...byEpoch.values()]
    .sort((a, b) => a.epoch - b.epoch)
    .map((e) => ({ ...e, published: publishedEpoch !== null && e.epoch === publishedEpoch }));
}

/** The checkpoint with the lowest validation mel L1 among those that can be published (ties: the earlier one). */
export function recommendCheckpoint(checkpoints: CheckpointEntry[]): Recommendation | null {
  const scored = checkpoints.filter((c) => c.available && c.validation);
  if (!scored.length) return null;
  let best = scored[0]!;
  for (const c of scored) if (c.validation!.mel < best.validation!.mel) best = c;
  return { epoch: best.epoch, reason: `lowest validation mel L1 over ${scored.length} checkpoint${scored.length === 1 ? "" : "s"}` };
}
