/** Experiments: create, list, get, change (incl. rename), delete. Database first, files follow. */
import fs from "node:fs/promises";
import { db, Prisma, type Db } from "./db";
import { conflict, notFound } from "./errors";
import { paths } from "./paths";
import { checkName, type ExperimentPatch, type ExperimentSettings } from "./experiment-rules";
import { currentUserId } from "./auth/context";
import { assertMayChange } from "./auth/ownership";
import { toApiJob, withQueueStandings } from "./jobs";
import { toApiModel } from "./models";
import { audioFileJson } from "./uploads/ingest";
import { cardOf } from "./uploads/card";
import { experimentStages, stageSettingsOf } from "./stage-settings";
import type { CleaningOptions } from "./dataset/analysis";
import { cleaningOf, cleaningOn } from "./dataset/cleaning";
import type { JobKind } from "./generated/prisma/enums";
import { filesToSeparate, separationModelMissing } from "./separation-rules";

export const ACTIVE_JOB_STATUSES = ["queued", "running"] as const;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

/** An experiment row as the API shows it: the stored cleaning options read (all off when none). */
export function experimentJson<T extends { cleaning: unknown }>(row: T): Omit<T, "cleaning"> & { cleaning: CleaningOptions } {
  return { ...row, cleaning: cleaningOf(row.cleaning) };
}

const exists = (name: string) =>
  conflict("experiment_exists", `An experiment named "${name}" already exists; choose another name`, { name });
const missing = (name: string) => notFound("experiment_not_found", `No experiment named "${name}"`, { name });

export async function createExperiment(input: { name: string } & ExperimentSettings, prisma: Db = db()) {
  // asked first, so that the usual duplicate never reaches Postgres as a failed INSERT (which its log prints whole);
  // the unique index still decides a race
  if (await prisma.experiment.findUnique({ where: { name: input.name }, select: { id: true } })) throw exists(input.name);
  try {
    return experimentJson(await prisma.experiment.create({ data: { ...input, createdById: currentUserId() } }));
  } catch (err) {
    if (isUniqueViolation(err)) throw exists(input.name);
    throw err;
  }
}

export async function listExperiments(prisma: Db = db()) {
  const [experiments, totals] = await Promise.all([
    prisma.experiment.findMany({ orderBy: { createdAt: "desc" }, include: { _count: { select: { files: true } } } }),
    prisma.audioFile.groupBy({ by: ["experimentId"], where: { status: "ready" }, _sum: { durationSec: true } }),
  ]);
  const seconds = new Map(totals.map((t) => [t.experimentId, t._sum.durationSec ?? 0]));
  return experiments.map(({ _count, ...e }) => ({ ...experimentJson(e), fileCount: _count.files, totalSeconds: seconds.get(e.id) ?? 0 }));
}

/** The experiment row alone (no relations), or 404. */
export async function getExperimentRow(name: string, prisma: Db = db()) {
  const experiment = await prisma.experiment.findUnique({ where: { name: checkName(name) } });
  if (!experiment) throw missing(name);
  return experiment;
}

/** The experiment with its files, jobs and models in the shapes of GET …/files, /api/jobs and /api/models. */
export async function getExperiment(name: string, prisma: Db = db()) {
  const experiment = await prisma.experiment.findUnique({
    where: { name: checkName(name) },
    include: {
      files: { orderBy: [{ createdAt: "asc" }, { originalName: "asc" }] },
      jobs: { orderBy: { createdAt: "desc" }, take: 50 },
      models: { orderBy: { createdAt: "desc" } },
    },
  });
  if (!experiment) throw missing(name);
  const { files, jobs, models, ...row } = experiment;
  const owner = { name: row.name };
  return {
    ...experimentJson(row),
    files: files.map(audioFileJson),
    jobs: await withQueueStandings(jobs.map((j) => toApiJob({ ...j, experiment: owner })), prisma),
    models: models.map((m) => toApiModel({ ...m, experiment: owner })),
  };
}

/** The experiment with its relations and each stage's state (`stages`: out of date after a settings change). */
export async function getExperimentWithStages(name: string, prisma: Db = db()) {
  const experiment = await getExperiment(name, prisma);
  const excludedSlices = await prisma.datasetSlice.count({ where: { excluded: true, audioFile: { experimentId: experiment.id, excluded: false, status: "ready" } } });
  const dataset = cardOf(experiment.files.filter((f) => f.status === "ready"), excludedSlices);
  return { ...experiment, dataset, stages: await experimentStages(experiment.id, stageSettingsOf(experiment), prisma) };
}

export type Tx = Prisma.TransactionClient;

/** Lock the experiment row for the rest of the transaction (404 if there is none); returns its id. */
export async function lockExperiment(tx: Tx, name: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Experiment" WHERE name = ${name} FOR UPDATE`;
  const id = rows[0]?.id;
  if (!id) throw missing(name);
  return id;
}

/** An ownership check run under the lock, before the busy check (so a stranger hears "not yours" first). */
export type OwnedCheck = (tx: Tx, experimentId: string) => Promise<void>;

/** The check for changing the experiment itself: its creator or an admin (lib/auth/ownership.ts). */
const experimentOwner =
  (name: string, verb: string): OwnedCheck =>
  async (tx, id) => {
    const row = await tx.experiment.findUniqueOrThrow({ where: { id }, select: { createdById: true } });
    await assertMayChange({ what: `experiment "${name}"`, createdById: row.createdById }, verb, tx);
  };

/**
 * Lock the experiment row and refuse (409 experiment_busy) if it has a queued or running job.
 * `action` completes "Cannot …", e.g. `delete experiment "x"`; `owned`, if given, runs first (403 not_owner);
 * `alsoIdle`: job kinds that do not count either (besides analyze).
 */
export async function lockIdleExperiment(tx: Tx, name: string, action: string, owned?: OwnedCheck, alsoIdle: JobKind[] = []): Promise<string> {
  const id = await lockExperiment(tx, name);
  if (owned) await owned(tx, id);
  const active = await tx.job.findFirst({
    // the dataset doctor's analyze job only reads uploads and writes measurements: it never makes the experiment busy
    where: { experimentId: id, status: { in: [...ACTIVE_JOB_STATUSES] }, kind: { notIn: ["analyze", ...alsoIdle] } },
    select: { id: true, kind: true, status: true },
  });
  if (active) {
    throw conflict(
      "experiment_busy",
      `Cannot ${action} while its ${active.kind} job is ${active.status}; cancel it or wait until it ends`,
      { job: active },
    );
  }
  return id;
}

async function moveIfPresent(from: string, to: string): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/**
 * Change settings or rename. The answer adds `filesToSeparate`: the ready files whose vocals are not isolated yet
 * (no stems, none queued), which "Isolate vocals in N files" (POST …/separate) would queue.
 */
export async function updateExperiment(name: string, patch: ExperimentPatch, prisma: Db = db()) {
  checkName(name);
  const renaming = patch.name !== undefined && patch.name !== name;
  const updated = await prisma.$transaction(async (tx) => {
    // separations read only the upload and write its stems under the uploads folder: they do not depend on the
    // settings, so settings may change meanwhile (a switch turned on for 50 files must not lock them for hours);
    // a rename moves that folder, so it waits for them
    const id = await lockIdleExperiment(tx, name, `change experiment "${name}"`, experimentOwner(name, renaming ? "rename" : "change"), renaming ? [] : ["separate"]);
    if (patch.isolateVocals === true && !(await tx.experiment.findUniqueOrThrow({ where: { id }, select: { isolateVocals: true } })).isolateVocals) {
      // turning it on without the model would queue separations that can only fail
      const missing = separationModelMissing();
      if (missing) throw missing;
    }
    if (renaming && (await tx.experiment.findUnique({ where: { name: patch.name } }))) throw exists(patch.name!);
    let updated;
    const { cleaning, ...rest } = patch;
    // all-off cleaning is stored as null (the same as never set)
    const data = { ...rest, ...(cleaning !== undefined ? { cleaning: cleaningOn(cleaning) ? (cleaning as Prisma.InputJsonValue) : Prisma.DbNull } : {}) };
    try {
      updated = await tx.experiment.update({ where: { id }, data });
    } catch (err) {
      if (isUniqueViolation(err)) throw exists(patch.name!);
      throw err;
    }
    if (renaming) {
      // Move the folders while the row is still locked; undo the moves if any step fails.
      const p = paths();
      const pairs: [string, string][] = [
        [p.experimentUploads(name), p.experimentUploads(patch.name!)],
        [p.experimentDir(name), p.experimentDir(patch.name!)],
      ];
      const moved: [string, string][] = [];
      try {
        for (const [from, to] of pairs) if (await moveIfPresent(from, to)) moved.push([from, to]);
      } catch (err) {
        for (const [from, to] of moved.reverse()) await fs.rename(to, from).catch(() => {});
        throw err;
      }
    }
    return experimentJson(updated);
  });
  return { ...updated, filesToSeparate: (await filesToSeparate(updated.id, updated.name, prisma)).length };
}

export async function deleteExperiment(name: string, prisma: Db = db()) {
  checkName(name);
  await prisma.$transaction(async (tx) => {
    const id = await lockIdleExperiment(tx, name, `delete experiment "${name}"`, experimentOwner(name, "delete"));
    await tx.experiment.delete({ where: { id } });
  });
  // The row is gone (with its files and jobs); now its uploads and working files. Models stay.
  const p = paths();
  await Promise.all([
    fs.rm(p.experimentUploads(name), { recursive: true, force: true }),
    fs.rm(p.experimentDir(name), { recursive: true, force: true }),
  ]);
}
