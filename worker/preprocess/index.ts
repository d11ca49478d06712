/**
 * The `preprocess` job (rvc-formats §1): every ready upload of the experiment → mono at the target rate →
 * 48 Hz high-pass → silence slicer → 3.7 s chunks (0.3 s overlap) → peak/alpha normalisation → float32
 * WAVs in `0_gt_wavs/{idx0}_{idx1}.wav` and their 16 kHz copies in `1_16k_wavs/`. A recording that is unusable
 * (corrupt, silent, too short: a data problem) fails alone and the summary lists it; a system failure (a write
 * with ENOSPC, EIO, …) fails the job (`disk_full` / `files_failed`), so a partial dataset never reports succeeded.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db } from "../../lib/db";
import { removeStaleTemps } from "../../lib/fs-atomic";
import { paths } from "../../lib/paths";
import { RVC_CHUNK_SECONDS } from "../dsp/chunks";
import { requireFreeSpace } from "../../lib/disk";
import { JobFailure, PermanentJobError, type JobHandler } from "../runner";
import { defaultThreads, runInThreads } from "../thread-pool";
import { removeOutputs, type FileResult, type FileTask } from "./file-task";
import { cleaningOf, describeCleaning } from "../../lib/dataset/cleaning";
import { queueAnalysis } from "../../lib/dataset/queue";
import { trainingSource } from "../../lib/dataset/source";
import { separationPendingError } from "../../lib/separation-rules";
import { assignIdx0, emptyManifest, readManifest, writeManifest, type PreprocessManifest } from "./manifest";

/** Shorter uploads are refused: too little to slice into training chunks. */
export const MIN_SOURCE_SECONDS = 1;

/**
 * Bytes preprocess writes per second of source audio: float32 at the target rate plus the 16 kHz copy, times the
 * chunks' overlap (3.7 s chunks every 3.4 s) and 10% spare.
 */
export function preprocessBytesPerSecond(sampleRate: number): number {
  return (sampleRate + 16000) * 4 * (3.7 / 3.4) * 1.1;
}

const FILE_TASK = fileURLToPath(new URL("./file-task.ts", import.meta.url));

export const preprocess: JobHandler = async ({ job, signal, report }) => {
  if (!job.experimentId) throw new PermanentJobError("preprocess needs an experiment");
  const experiment = await db().experiment.findUnique({
    where: { id: job.experimentId },
    include: { files: { where: { status: "ready" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  if (experiment.files.length === 0) throw new PermanentJobError("no uploaded audio: upload recordings of the voice first");
  // a separation queued after this job (an upload with "isolate vocals" on): its file has no vocal stem yet, and the
  // mix must not be used in its place without a word; the same refusal as POST …/preprocess (lib/jobs.ts)
  const pending = await separationPendingError(experiment.id, experiment.name, db());
  if (pending) throw new JobFailure(pending.code, pending.message, pending.details);

  const p = paths();
  const expDir = p.experimentDir(experiment.name);
  const gtDir = p.experimentSubdir(experiment.name, "gtWavs");
  const wavDir = p.experimentSubdir(experiment.name, "wavs16k");
  const manifestFile = path.join(expDir, "preprocess.json");
  await fs.mkdir(gtDir, { recursive: true });
  await fs.mkdir(wavDir, { recursive: true });
  await Promise.all([removeStaleTemps(gtDir), removeStaleTemps(wavDir)]);

  const cleaning = cleaningOf(experiment.cleaning);
  const cleaningKey = describeCleaning(cleaning);
  let manifest: PreprocessManifest = (await readManifest(manifestFile)) ?? emptyManifest(experiment.sampleRate, RVC_CHUNK_SECONDS, cleaningKey);
  if (manifest.sampleRate !== experiment.sampleRate || manifest.per !== RVC_CHUNK_SECONDS || (manifest.cleaning ?? "off") !== cleaningKey) {
    report.log(
      "info",
      manifest.sampleRate !== experiment.sampleRate ? `target rate changed to ${experiment.sampleRate} Hz: redoing every file` : `cleaning changed to "${cleaningKey}": redoing every file`,
    );
    await Promise.all([fs.rm(gtDir, { recursive: true, force: true }), fs.rm(wavDir, { recursive: true, force: true })]);
    await fs.mkdir(gtDir, { recursive: true });
    await fs.mkdir(wavDir, { recursive: true });
    manifest = emptyManifest(experiment.sampleRate, RVC_CHUNK_SECONDS, cleaningKey);
  }
  if (cleaningKey !== "off") report.log("info", `cleaning: ${cleaningKey} (the uploads stay as they are)`);
  const current = new Set(experiment.files.map((f) => f.id));
  for (const [id, entry] of Object.entries(manifest.sources)) {
    if (!current.has(id)) {
      await removeOutputs([gtDir, wavDir], entry.idx0);
      delete manifest.sources[id];
      report.log("info", `removed the chunks of a deleted upload (${entry.name})`);
    }
  }
  await writeManifest(manifestFile, manifest);

  const totalSeconds = experiment.files.reduce((s, f) => s + (f.durationSec ?? 0), 0) || experiment.files.length;
  let doneSeconds = 0;
  const weight = (f: (typeof experiment.files)[number]) => (totalSeconds === experiment.files.length ? 1 : (f.durationSec ?? 0));
  let skippedSources = 0;

  const todo: { file: (typeof experiment.files)[number]; task: FileTask; sourceKey: string }[] = [];
  for (const file of experiment.files) {
    const prior = manifest.sources[file.id];
    // "isolate vocals" (issue 19): a file whose vocals were separated is read from its vocal stem
    const source = await trainingSource(experiment.name, file);
    if (source.stemMissing) report.log("warn", `${file.originalName}: its vocal stem is missing; the upload is used (separate it again)`);
    const sourceKey = source.key;
    if (prior && prior.sha256 === sourceKey && prior.status === "done") {
      skippedSources++;
      doneSeconds += weight(file);
      continue;
    }
    const idx0 = assignIdx0(manifest, file.id);
    manifest.sources[file.id] = { idx0, sha256: sourceKey, name: file.originalName, status: "failed", chunks: 0, skipped: 0, seconds: 0, error: "interrupted" };
    todo.push({
      file,
      sourceKey,
      task: { file: source.file, name: file.originalName, sampleRate: experiment.sampleRate, idx0, gtDir, wavDir, minSeconds: MIN_SOURCE_SECONDS, cleaning },
    });
  }
  await writeManifest(manifestFile, manifest);
  // the slices of the files redone are new: their analysis and exclusions go (the analyze job measures the new ones)
  if (todo.length) await db().datasetSlice.deleteMany({ where: { audioFileId: { in: todo.map((t) => t.file.id) } } });
  // preflight: the chunks of the files to do must fit (a file without a probed duration counts as 128 kbit/s)
  const todoSeconds = todo.reduce((s, t) => s + (t.file.durationSec ?? Number(t.file.bytes) / 16000), 0);
  await requireFreeSpace(gtDir, todoSeconds * preprocessBytesPerSecond(experiment.sampleRate), "preprocess");
  report.progress(doneSeconds, totalSeconds, "preprocess", "s");
  if (todo.length) report.log("info", `${todo.length} file(s) to process on ${Math.min(defaultThreads(), todo.length)} thread(s)${skippedSources ? `, ${skippedSources} already done` : ""}`);

  /** failures of the system (errno codes), not of the recordings */
  const systemFailed: { file: string; error: string; code: string }[] = [];
  await runInThreads<FileTask, FileResult>(FILE_TASK, todo.map((t) => t.task), {
    signal,
    onResult: async (i, r) => {
      const { file, task, sourceKey } = todo[i]!;
      for (const s of r.skipped) {
        report.log("warn", `${file.originalName}: skipped a ${s.length.toFixed(1)} s chunk at ${s.start.toFixed(1)} s (${s.reason})`);
      }
      manifest.sources[file.id] = {
        idx0: task.idx0,
        sha256: sourceKey,
        name: file.originalName,
        status: r.error ? "failed" : "done",
        chunks: r.chunks,
        skipped: r.skipped.length,
        seconds: r.seconds,
        ...(r.error ? { error: r.error } : {}),
        ...(r.error && r.code ? { code: r.code } : {}),
        ...(r.error ? {} : { slices: r.slices }),
      };
      if (r.error) report.log("error", `${file.originalName}: ${r.error}`);
      if (r.error && r.code) systemFailed.push({ file: file.originalName, error: r.error, code: r.code });
      else report.log("info", `${file.originalName}: ${r.chunks} chunk(s) from ${r.seconds.toFixed(1)} s`);
      await writeManifest(manifestFile, manifest);
      doneSeconds += weight(file);
      report.progress(doneSeconds, totalSeconds, "preprocess", "s");
    },
  });

  const entries = experiment.files.map((f) => manifest.sources[f.id]!);
  const failed = entries.filter((e) => e.status === "failed").map((e) => ({ file: e.name, error: e.error ?? "failed" }));
  const chunks = entries.reduce((s, e) => s + e.chunks, 0);
  if (systemFailed.length) {
    const full = systemFailed.find((f) => f.code === "ENOSPC" || f.code === "EDQUOT");
    const first = full ?? systemFailed[0]!;
    throw new JobFailure(
      full ? "disk_full" : "files_failed",
      `${systemFailed.length} of ${entries.length} file(s) could not be written (first: ${first.file}: ${first.error}); the others are kept, run preprocess again to redo only these`,
      { failed },
      full ? Object.assign(new Error(full.error), { code: full.code }) : undefined,
    );
  }
  if (chunks === 0) {
    throw new PermanentJobError(`no usable audio: ${failed.map((f) => `${f.file}: ${f.error}`).join("; ")}`);
  }
  await db().experiment.update({ where: { id: experiment.id }, data: { status: "preprocessed" } });
  await queueAnalysis(experiment.name, {}, report);
  if (failed.length) report.log("warn", `${failed.length} file(s) failed: ${failed.map((f) => f.file).join(", ")}`);
  return {
    files: entries.length,
    reused: skippedSources,
    chunks,
    skippedChunks: entries.reduce((s, e) => s + e.skipped, 0),
    audioSeconds: Math.round(entries.reduce((s, e) => s + e.seconds, 0) * 10) / 10,
    failed,
  };
};
