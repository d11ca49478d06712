/**
 * The `cover` job: one Conversion row with mode "cover" → DATA_ROOT/conversions/{id}/output.wav (the mix, float32 at
 * the input's rate, exactly the input's length and its channels: mono stays mono, more than two become stereo) with
 * vocals.wav and accompaniment.wav beside it (the two parts as mixed, before summing). Three steps, each reported on
 * the job's events (progress stage `separating`, `converting`, `mixing`) and each skipped when its result is cached
 * (worker/cover/cache.ts) — then a log line "<step>: cached" and a metric `{stage, cached: true}` say so (a step
 * that ran gives `{stage, cached: false, …}`):
 *   1. separate the input (worker/separate/) into DATA_ROOT/cache/separate/{key}/;
 *   2. convert the vocal stem with convertFile (all the conversion's settings) into DATA_ROOT/cache/convert/{key}.wav;
 *   3. mix (worker/cover/mix.ts): converted vocals resampled to the input's rate × gain + the accompaniment
 *      resampled, transposed when asked × gain, soft-limited.
 * A cancel is honoured between chunks, segments and steps; work happens in DATA_ROOT/cache/.work-{job}/ (removed on
 * any end), so a cancelled or failed cover leaves no partial cache entry.
 * Memory: the mix holds the song's parts at the input's rate (float32), a few copies of it; MAX_CONVERSION_SECONDS bounds it.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parsePart } from "../../lib/api/spec";
import { CoverMix } from "../../lib/api/common";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { ACTIVE_JOB_STATUSES } from "../../lib/experiments";
import { requireFreeSpace } from "../../lib/disk";
import { paths } from "../../lib/paths";
import { decodeAudio } from "../../lib/audio/decode";
import { writeFileAtomic } from "../../lib/fs-atomic";
import { sha256File } from "../../lib/uploads/ingest";
import { asPermanentConversionError, conversionOfJob, loadConversionModels, modelFiles } from "../convert/job";
import { convertFile } from "../convert/file";
import { encodeWavFloat32 } from "../dsp/wav";
import { throwIfAborted } from "../extract/errors";
import type { JobHandler } from "../runner";
import { MDX_RATE } from "../separate/io";
import { loadSeparation, separateFileInto, separationModelRef } from "../separate/run";
import { convertKey, META_FILE, placeEntry, readMeta, separateKey, touch, type SongMeta } from "./cache";
import { evictCoverCache } from "./evict";
import { mixCover } from "./mix";

/** A quick identity of a file the conversion reads but that is too large to hash per cover (content, pitch models). */
async function fingerprint(file: string): Promise<string | null> {
  const st = await fs.stat(file).catch(() => null);
  return st ? `${st.size}:${Math.round(st.mtimeMs)}` : null;
}

/**
 * Work folders of covers that no longer run (a worker that died mid-cover; this job's own earlier attempt): removed.
 * Those of covers queued or running elsewhere are left alone.
 */
async function removeDeadWork(root: string): Promise<void> {
  const names = (await fs.readdir(root).catch(() => [] as string[])).filter((n) => n.startsWith(".work-"));
  if (names.length === 0) return;
  const ids = names.map((n) => n.slice(".work-".length)).filter((id) => /^[0-9a-f-]{36}$/.test(id));
  const alive = new Set(
    (await db().job.findMany({ where: { id: { in: ids }, status: { in: [...ACTIVE_JOB_STATUSES] } }, select: { id: true } })).map((j) => j.id),
  );
  for (const n of names) if (!alive.has(n.slice(".work-".length))) await fs.rm(path.join(root, n), { recursive: true, force: true });
}

export const cover: JobHandler = async ({ job, signal, report, devices }) => {
  const { conversion, model, params } = await conversionOfJob(job, "cover");
  const mixSettings = parsePart(CoverMix, conversion.cover, "body");
  const { onnx, index } = modelFiles(model);
  const cfg = config();
  const p = paths();
  const ref = await separationModelRef(cfg);

  const root = p.coverCacheRoot();
  const work = path.join(root, `.work-${job.id}`);
  // preflight: separation (scratch + two stems, 8 B per 44.1 kHz frame each), converted vocals (float32 scratch +
  // 16-bit), the mix and its two stems (float32 stereo at up to 192 kHz), 10 % spare
  const seconds = conversion.inputSeconds ?? 0;
  await requireFreeSpace(cfg.dataRoot, seconds * (MDX_RATE * 8 * 3 + model.sampleRate * 6 + 48_000 * 8 * 3) * 1.1, "this cover");
  await removeDeadWork(root);
  await fs.rm(work, { recursive: true, force: true }); // an earlier attempt of this job
  await fs.mkdir(p.assertWritable(work), { recursive: true });
  try {
    // 1. separate
    report.progress(0, 1, "separating");
    const inputSha = await sha256File(conversion.inputPath);
    const sepKey = separateKey(inputSha, ref.hash, ref.params);
    const sepDir = p.separateCache(sepKey);
    let meta: SongMeta | null = await readMeta(path.join(sepDir, META_FILE));
    if (meta) {
      report.log("info", `separation: cached (${sepKey.slice(0, 12)})`);
      report.metric({ stage: "separating", cached: true });
      report.progress(1, 1, "separating");
    } else {
      const sep = await loadSeparation(ref, report, devices[0]);
      const into = path.join(work, "separate");
      await fs.mkdir(into);
      const done = await separateFileInto(conversion.inputPath, into, sep, {
        name: conversion.inputName,
        signal,
        onChunk: (n, total) => report.progress(n, total, "separating", "chunks"),
      });
      meta = { sourceRate: done.sourceRate, sourceFrames: done.sourceFrames, channels: done.channels, frames: done.frames };
      await fs.writeFile(path.join(into, META_FILE), JSON.stringify(meta));
      await fs.mkdir(path.dirname(sepDir), { recursive: true });
      await placeEntry(into, sepDir);
      report.log("info", `separation: ${done.seconds.toFixed(1)} s in ${done.chunks} chunk(s), ${done.wall.toFixed(1)} s`);
      report.metric({ stage: "separating", cached: false, chunks: done.chunks, seconds: done.seconds, wallSeconds: done.wall });
    }
    await touch(sepDir);
    throwIfAborted(signal);

    // 2. convert the vocal stem
    report.progress(0, 1, "converting");
    const modelSha = [await sha256File(p.modelFile(model.name, onnx.name))];
    if (index && params.indexRate > 0) modelSha.push(await sha256File(p.modelFile(model.name, index.name)));
    const assets = { content: await fingerprint(cfg.hubertPath), rmvpe: params.f0Method === "rmvpe" ? await fingerprint(cfg.rmvpePath) : null };
    const convKey = convertKey(sepKey, model.id, modelSha.join("+"), params, assets);
    const converted = p.convertCache(convKey);
    if (await fs.stat(converted).catch(() => null)) {
      report.log("info", `conversion: cached (${convKey.slice(0, 12)})`);
      report.metric({ stage: "converting", cached: true });
      report.progress(1, 1, "converting");
    } else {
      const models = await loadConversionModels(model, params, report, devices[0]);
      const into = path.join(work, "convert");
      await fs.mkdir(into);
      const out = path.join(into, "vocals.wav");
      const started = Date.now();
      const result = await convertFile(path.join(sepDir, "vocals.wav"), out, models, {
        params,
        sampleRate: model.sampleRate,
        signal,
        onProgress: (stage, done, total) => (stage === "convert" ? report.progress(done, total, "converting", "audio s") : report.progress(0, 1, "converting")),
      });
      await fs.mkdir(path.dirname(converted), { recursive: true });
      await placeEntry(out, converted);
      const wall = (Date.now() - started) / 1000;
      report.log("info", `conversion: ${(result.inputSamples / 16000).toFixed(1)} s in ${result.segments} segment(s), ${wall.toFixed(1)} s`);
      report.metric({ stage: "converting", cached: false, segments: result.segments, wallSeconds: wall });
    }
    await touch(converted);
    throwIfAborted(signal);

    // 3. mix at the input's rate, length and channels
    const rate = meta.sourceRate, length = meta.sourceFrames, channels = Math.min(2, meta.channels);
    const steps = 4;
    report.progress(0, steps, "mixing");
    const vocals = (await decodeAudio(converted, { sampleRate: rate, signal })).channels[0]!;
    const acc = (await decodeAudio(path.join(sepDir, "accompaniment.wav"), { sampleRate: rate, signal })).channels;
    report.progress(1, steps, "mixing");
    const accompaniment = channels === 1 ? [acc[0]!.map((v, i) => 0.5 * (v + acc[1]![i]!))] : acc.slice(0, 2);
    const mixed = mixCover({ ...mixSettings, vocals: Array.from({ length: channels }, () => vocals), accompaniment, length, signal });
    report.progress(2, steps, "mixing");
    throwIfAborted(signal);
    const dir = p.conversionDir(conversion.id);
    const output = path.join(dir, "output.wav");
    await writeFileAtomic(p.conversionStem(conversion.id, "vocals"), encodeWavFloat32(mixed.vocals, rate));
    await writeFileAtomic(p.conversionStem(conversion.id, "accompaniment"), encodeWavFloat32(mixed.accompaniment, rate));
    report.progress(3, steps, "mixing");
    await writeFileAtomic(output, encodeWavFloat32(mixed.mix, rate));
    const outputSeconds = length / rate;
    await db().conversion.update({ where: { id: conversion.id }, data: { outputPath: output, outputSeconds, sampleRate: rate, finishedAt: new Date() } });
    report.progress(steps, steps, "mixing");
    if (mixed.limited > 0) report.log("info", `mix: peak ${mixed.peak.toFixed(2)}, ${mixed.limited} sample(s) soft-limited`);
    report.metric({ stage: "mixing", cached: false, peak: mixed.peak, limited: mixed.limited });
    const evicted = await evictCoverCache(cfg.coverCacheMaxBytes, root);
    if (evicted.removed > 0) report.log("info", `cover cache: ${evicted.removed} old entr${evicted.removed === 1 ? "y" : "ies"} removed (${evicted.bytes} bytes; COVER_CACHE_MAX_BYTES)`);
    return { outputSeconds, sampleRate: rate, channels, peak: mixed.peak, limited: mixed.limited, separateKey: sepKey, convertKey: convKey };
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw asPermanentConversionError(err);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
};
