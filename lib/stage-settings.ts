/**
 * Which pipeline stages a settings change invalidates. Every experiment job records the settings it was queued with
 * (`Job.settings`; settings cannot change while a job is queued or running, so they are also the ones it ran with).
 * A stage whose last successful run used other values of the settings it depends on is "out of date": the API shows
 * it (`stages` in GET /api/experiments/{name}) and a stage that needs it refuses to start (409 `stale_stage`).
 */
import { conflict } from "./errors";
import type { Db } from "./db";
import type { ExperimentSettings } from "./experiment-rules";
import { describeCleaning } from "./dataset/cleaning";

/**
 * What a stage's output depends on: the experiment's settings plus the dataset doctor's cleaning options, recorded as
 * their one-line description ("off", "loudness -23 LUFS, denoise") so that a change reads as "cleaning off → …".
 */
export type StageSettings = ExperimentSettings & { cleaning: string };

/** The stage settings of an experiment row. */
export function stageSettingsOf(e: { sampleRate: number; f0Method: string; version: string; cleaning?: unknown }): StageSettings {
  return { sampleRate: e.sampleRate, f0Method: e.f0Method, version: e.version, cleaning: describeCleaning(e.cleaning) } as StageSettings;
}

export const STAGE_KINDS = ["preprocess", "extract", "train", "index"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
type Field = keyof StageSettings;

/**
 * What each stage's output depends on. The sample rate decides preprocess's `0_gt_wavs/` and everything after it;
 * the cleaning options decide what those chunks hold (dataset doctor, preprocess option);
 * the pitch method and version decide extract's `2a_f0/`, `2b-f0nsf/` and feature dimension, hence training and index.
 */
export const STAGE_DEPENDS: Record<StageKind, readonly Field[]> = {
  preprocess: ["sampleRate", "cleaning"],
  extract: ["sampleRate", "cleaning", "f0Method", "version"],
  train: ["sampleRate", "cleaning", "f0Method", "version"],
  index: ["sampleRate", "cleaning", "f0Method", "version"],
};

/** The stages a stage reads the output of (checked before it starts). */
export const STAGE_NEEDS: Record<StageKind, readonly StageKind[]> = {
  preprocess: [],
  extract: ["preprocess"],
  train: ["preprocess", "extract"],
  index: ["preprocess", "extract"],
};

const LABEL: Record<Field, string> = { sampleRate: "sample rate", f0Method: "pitch method", version: "version", cleaning: "cleaning" };

export interface SettingChange {
  field: Field;
  from: string | number;
  to: string | number;
}

export interface StageState {
  /** the status of the stage's latest job (null: never run) */
  status: string | null;
  /** its last successful run used other settings than the experiment's current ones */
  stale: boolean;
  /** e.g. "settings changed since: sample rate 40000 → 32000" (only when stale) */
  reason?: string;
  changes?: SettingChange[];
}

/** Pure: the settings `fields` that differ between what a stage ran with and the current ones. */
export function settingChanges(ran: unknown, now: StageSettings, fields: readonly Field[]): SettingChange[] {
  if (!ran || typeof ran !== "object") return []; // a job from before settings were recorded: nothing to compare
  const r = ran as Partial<Record<Field, string | number>>;
  return fields.filter((f) => r[f] !== undefined && r[f] !== now[f]).map((f) => ({ field: f, from: r[f]!, to: now[f] }));
}

/** Pure: "settings changed since: sample rate 40000 → 32000, version v2 → v1". */
export function describeChanges(changes: SettingChange[]): string {
  return `settings changed since: ${changes.map((c) => `${LABEL[c.field]} ${c.from} → ${c.to}`).join(", ")}`;
}

type JobLike = { kind: string; status: string; settings: unknown; createdAt: Date };

/**
 * Pure: each stage's state from the experiment's jobs (any order). The stage's output comes from its latest
 * successful job; training also builds the index, so the index's comes from the latest successful train or index job.
 */
export function stageStates(jobs: JobLike[], now: StageSettings): Record<StageKind, StageState> {
  const byNewest = [...jobs].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const out = {} as Record<StageKind, StageState>;
  for (const kind of STAGE_KINDS) {
    const latest = byNewest.find((j) => j.kind === kind);
    const producers = kind === "index" ? ["index", "train"] : [kind];
    const output = byNewest.find((j) => producers.includes(j.kind) && j.status === "succeeded");
    const changes = output ? settingChanges(output.settings, now, STAGE_DEPENDS[kind]) : [];
    out[kind] = { status: latest?.status ?? null, stale: changes.length > 0, ...(changes.length ? { reason: describeChanges(changes), changes } : {}) };
  }
  return out;
}

/** The experiment's stage states, read from its jobs. */
export async function experimentStages(experimentId: string, now: StageSettings, prisma: Db): Promise<Record<StageKind, StageState>> {
  const jobs = await prisma.job.findMany({
    where: { experimentId, kind: { in: [...STAGE_KINDS] } },
    select: { kind: true, status: true, settings: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
  return stageStates(jobs, now);
}

/** Pure: why `kind` may not start now (the first stage it needs that is out of date), or null. */
export function staleBlocker(kind: string, states: Record<StageKind, StageState>): { stage: StageKind; message: string } | null {
  const needs = (STAGE_NEEDS as Record<string, readonly StageKind[] | undefined>)[kind] ?? [];
  for (const stage of needs) {
    const s = states[stage];
    if (s.stale) return { stage, message: `re-run ${stage} (${s.reason})` };
  }
  return null;
}

/** Refuse (409 stale_stage) to queue `kind` while a stage it reads is out of date. */
export async function assertInputsCurrent(experimentName: string, experimentId: string, kind: string, now: StageSettings, prisma: Db): Promise<void> {
  if (!(STAGE_NEEDS as Record<string, unknown>)[kind]) return;
  const states = await experimentStages(experimentId, now, prisma);
  const blocker = staleBlocker(kind, states);
  if (blocker) {
    throw conflict("stale_stage", `Cannot start ${kind} for "${experimentName}": ${blocker.message}`, {
      stage: blocker.stage,
      changes: states[blocker.stage].changes,
    });
  }
}
