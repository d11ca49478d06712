/**
 * The `preprocess` job (rvc-formats §1): every ready upload of the experiment → mono at the target rate →
 * 48 Hz high-pass → silence slicer → 3.7 s chunks (0.3 s overlap) → peak/alpha normalisation → float32
 * WAVs in `0_gt_wavs/{idx0}_{idx1}.wav` and their 16 kHz copies in `1_16k_wavs/`. A file that fails
 * (corrupt, silent, too short) fails alone; the summary lists it.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { decodeAudio } from "../../lib/audio";
import { db } from "../../lib/db";
import { removeStaleTemps, writeFileAtomic } from "../../lib/fs-atomic";
import { paths } from "../../lib/paths";
import { RVC_CHUNK_SECONDS } from "../dsp/chunks";
import { preprocessChunks, RVC_16K } from "../dsp/pipeline";
import { downmix, encodeWavFloat32 } from "../dsp/wav";
import { PermanentJobError, type JobHandler } from "../runner";
import { assignIdx0, emptyManifest, readManifest, writeManifest, type PreprocessManifest } from "./manifest";

/** Shorter uploads are refused: too little to slice into training chunks. */
export const MIN_SOURCE_SECONDS = 1;

async function removeOutputs(dirs: string[], idx0: number): Promise<void> {
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(`${idx0}_`)).map((n) => fs.rm(path.join(dir, n), { force: true })));
  }
}

export const preprocess: JobHandler = async ({ job, signal, report }) => {
  if (!job.experimentId) throw new PermanentJobError("preprocess needs an experiment");
  const experiment = await db().experiment.findUnique({
    where: { id: job.experimentId },
    include: { files: { where: { status: "ready" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  if (experiment.files.length === 0) throw new PermanentJobError("no uploaded audio: upload recordings of the voice first");

  const p = paths();
  const expDir = p.experimentDir(experiment.name);
  const gtDir = p.experimentSubdir(experiment.name, "gtWavs");
  const wavDir = p.experimentSubdir(experiment.name, "wavs16k");
  const manifestFile = path.join(expDir, "preprocess.json");
  await fs.mkdir(gtDir, { recursive: true });
  await fs.mkdir(wavDir, { recursive: true });
  await Promise.all([removeStaleTemps(gtDir), removeStaleTemps(wavDir)]);

  let manifest: PreprocessManifest = (await readManifest(manifestFile)) ?? emptyManifest(experiment.sampleRate, RVC_CHUNK_SECONDS);
  if (manifest.sampleRate !== experiment.sampleRate || manifest.per !== RVC_CHUNK_SECONDS) {
    report.log("info", `target rate changed to ${experiment.sampleRate} Hz: redoing every file`);
    await Promise.all([fs.rm(gtDir, { recursive: true, force: true }), fs.rm(wavDir, { recursive: true, force: true })]);
    await fs.mkdir(gtDir, { recursive: true });
    await fs.mkdir(wavDir, { recursive: true });
    manifest = emptyManifest(experiment.sampleRate, RVC_CHUNK_SECONDS);
  }
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

  for (const file of experiment.files) {
    const prior = manifest.sources[file.id];
    if (prior && prior.sha256 === file.sha256 && prior.status === "done") {
      skippedSources++;
      doneSeconds += weight(file);
      report.progress(doneSeconds, totalSeconds, "preprocess", "s");
      continue;
    }
    if (signal.aborted) throw signal.reason;
    const idx0 = assignIdx0(manifest, file.id);
    await removeOutputs([gtDir, wavDir], idx0);
    const entry = { idx0, sha256: file.sha256, name: file.originalName, status: "failed" as "done" | "failed", chunks: 0, skipped: 0, seconds: 0 };
    manifest.sources[file.id] = { ...entry, error: "interrupted" };
    await writeManifest(manifestFile, manifest);
    try {
      const decoded = await decodeAudio(p.uploadFile(experiment.name, file.storedName), { sampleRate: experiment.sampleRate, signal });
      const mono = downmix(decoded.channels);
      entry.seconds = mono.length / experiment.sampleRate;
      if (entry.seconds < MIN_SOURCE_SECONDS) {
        throw new Error(`too short (${entry.seconds.toFixed(2)} s); each recording needs at least ${MIN_SOURCE_SECONDS} s`);
      }
      for (const item of preprocessChunks(mono, experiment.sampleRate)) {
        if (signal.aborted) throw signal.reason;
        if (item.kind === "skipped") {
          entry.skipped++;
          report.log("warn", `${file.originalName}: skipped a ${(item.length / experiment.sampleRate).toFixed(1)} s chunk at ${(item.start / experiment.sampleRate).toFixed(1)} s (${item.reason})`);
          continue;
        }
        const name = `${idx0}_${item.index}.wav`;
        await writeFileAtomic(path.join(gtDir, name), encodeWavFloat32(item.gt, experiment.sampleRate));
        await writeFileAtomic(path.join(wavDir, name), encodeWavFloat32(item.at16k, RVC_16K));
        entry.chunks++;
      }
      if (entry.chunks === 0) throw new Error("silent: nothing above the slicer's threshold (-40 dB)");
      entry.status = "done";
      manifest.sources[file.id] = entry;
      report.log("info", `${file.originalName}: ${entry.chunks} chunk(s) from ${entry.seconds.toFixed(1)} s`);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      await removeOutputs([gtDir, wavDir], idx0);
      manifest.sources[file.id] = { ...entry, status: "failed", chunks: 0, error: (err as Error).message };
      report.log("error", `${file.originalName}: ${(err as Error).message}`);
    }
    await writeManifest(manifestFile, manifest);
    doneSeconds += weight(file);
    report.progress(doneSeconds, totalSeconds, "preprocess", "s");
  }

  const entries = experiment.files.map((f) => manifest.sources[f.id]!);
  const failed = entries.filter((e) => e.status === "failed").map((e) => ({ file: e.name, error: e.error ?? "failed" }));
  const chunks = entries.reduce((s, e) => s + e.chunks, 0);
  if (chunks === 0) {
    throw new PermanentJobError(`no usable audio: ${failed.map((f) => `${f.file}: ${f.error}`).join("; ")}`);
  }
  await db().experiment.update({ where: { id: experiment.id }, data: { status: "preprocessed" } });
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
