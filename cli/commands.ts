/** What each command does, on the typed client. Output goes through `Io` so that tests and main share it. */
import path from "node:path";
import { ApiError } from "../lib/errors";
import { F0_METHODS, SAMPLE_RATES, VERSIONS, type SampleRate } from "../lib/experiment-rules";
import type { Client } from "../lib/client/node";
import type { ConversionParams, Job, JobEvent, Model, ModelFileKind, TrainOptions } from "../lib/client/types";
import { intOption, numberOption, UsageError, type CommandSpec } from "./args";
import { collectFiles } from "./files";
import { EventPrinter, formatBytes, formatError, oneLine } from "./output";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** rewrite the current status line (a terminal); undefined when stderr is not one */
  status?: (line: string) => void;
}

export interface Ctx {
  client: Client;
  io: Io;
  json: boolean;
  command: CommandSpec;
  args: Record<string, string | string[]>;
  options: Record<string, string | boolean | undefined>;
}

/** exit codes: 0 done, 1 something failed (the API refused, a job failed), 2 usage */
export type Exit = 0 | 1 | 2;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const printJson = (io: Io, value: unknown) => io.out(JSON.stringify(value));

function oneOf<T extends string>(ctx: Ctx, name: string, allowed: readonly T[]): T | undefined {
  const v = str(ctx.options[name]);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")} (got ${JSON.stringify(v)})`, ctx.command);
  return v as T;
}

function sampleRateOption(ctx: Ctx): SampleRate | undefined {
  const rate = intOption(ctx.options, "sample-rate", ctx.command);
  if (rate === undefined) return undefined;
  if (!(SAMPLE_RATES as readonly number[]).includes(rate)) throw new UsageError(`--sample-rate must be one of ${SAMPLE_RATES.join(", ")} (got ${rate})`, ctx.command);
  return rate as SampleRate;
}

async function experimentsCreate(ctx: Ctx): Promise<Exit> {
  const exp = await ctx.client.experiments.create({
    name: ctx.args.NAME as string,
    sampleRate: sampleRateOption(ctx),
    f0Method: oneOf(ctx, "f0", F0_METHODS),
    version: oneOf(ctx, "version", VERSIONS),
  });
  if (ctx.json) printJson(ctx.io, exp);
  else ctx.io.out(`created experiment ${exp.name} (${exp.sampleRate} Hz, ${exp.f0Method}, ${exp.version})`);
  return 0;
}

async function experimentsList(ctx: Ctx): Promise<Exit> {
  const list = await ctx.client.experiments.list();
  if (ctx.json) printJson(ctx.io, list);
  else if (list.length === 0) ctx.io.out("no experiments");
  else for (const e of list) ctx.io.out(`${e.name}\t${e.sampleRate} Hz\t${e.f0Method}\t${e.version}\t${e.fileCount ?? 0} files\t${Math.round(e.totalSeconds ?? 0)} s`);
  return 0;
}

async function upload(ctx: Ctx): Promise<Exit> {
  const experiment = ctx.args.NAME as string;
  const files = collectFiles(ctx.args.PATH as string[], { allowArchives: true });
  if (files.length === 0) throw new UsageError("no audio files found in the given paths", ctx.command);
  // a missing experiment is told once, not once per file
  await ctx.client.experiments.get(experiment);
  const uploaded: unknown[] = [];
  const skipped: { file: string; code: string; message: string }[] = [];
  const failed: { file: string; code: string; message: string }[] = [];
  for (const [i, file] of files.entries()) {
    const label = `[${i + 1}/${files.length}] ${path.basename(file)}`;
    try {
      const r = await ctx.client.uploads.uploadFile(experiment, file, {
        storagePath: str(ctx.options.state),
        onResume: (offset) => {
          if (!ctx.json && offset > 0) ctx.io.err(`${label}: continuing an interrupted upload at ${formatBytes(offset)}`);
        },
        onProgress: (sent, total) => ctx.io.status?.(`${label} ${total ? Math.floor((sent / total) * 100) : 100}% ${formatBytes(sent)}/${formatBytes(total)}`),
      });
      ctx.io.status?.("");
      uploaded.push({ file, resumedFrom: r.resumedFrom, ...r.result });
      if (!ctx.json) {
        const notes = r.result.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
        ctx.io.out(`${label}: uploaded ${formatBytes(r.bytes)}${r.result.files.length > 1 ? `, ${r.result.files.length} files` : ""}${notes ? `, skipped ${notes}` : ""}`);
      }
    } catch (err) {
      ctx.io.status?.("");
      if (!(err instanceof ApiError) || err.status === 0) throw err;
      const entry = { file, code: err.code, message: err.message };
      // a duplicate is already there: reported and skipped, not a failure
      if (err.code === "duplicate_file") skipped.push(entry);
      else failed.push(entry);
      if (!ctx.json) ctx.io.out(`${label}: ${err.code === "duplicate_file" ? "skipped" : "refused"}: ${err.message} (${err.code})`);
    }
  }
  if (ctx.json) printJson(ctx.io, { uploaded, skipped, failed });
  else ctx.io.out(`${uploaded.length} uploaded, ${skipped.length} skipped as duplicates, ${failed.length} refused`);
  return failed.length > 0 ? 1 : 0;
}

function trainOptions(ctx: Ctx): TrainOptions {
  const o: TrainOptions = {};
  const epochs = intOption(ctx.options, "epochs", ctx.command);
  const batchSize = intOption(ctx.options, "batch-size", ctx.command);
  const saveEvery = intOption(ctx.options, "save-every", ctx.command);
  if (epochs !== undefined) o.epochs = epochs;
  if (batchSize !== undefined) o.batchSize = batchSize;
  if (saveEvery !== undefined) o.saveEvery = saveEvery;
  if (ctx.options["save-latest-only"]) o.saveLatestOnly = true;
  const pretrained = oneOf(ctx, "pretrained", ["default", "none"] as const);
  if (pretrained) o.pretrained = pretrained;
  const precision = oneOf(ctx, "precision", ["auto", "fp32", "fp16", "bf16"] as const);
  if (precision) o.precision = precision;
  return o;
}

/** Print one event (a line, or JSON) and remember the stage's final status. */
function eventSink(ctx: Ctx) {
  const printer = new EventPrinter();
  return (kind: string, ev: JobEvent) => {
    if (ctx.json) return printJson(ctx.io, { job: kind, ...ev });
    const line = printer.line(kind, ev);
    if (line !== undefined) ctx.io.out(line);
  };
}

const exitFor = (job: Pick<Job, "status">): Exit => (job.status === "succeeded" ? 0 : 1);

async function pipeline(ctx: Ctx): Promise<Exit> {
  const name = ctx.args.NAME as string;
  const [first] = await ctx.client.pipeline.run(name, trainOptions(ctx));
  if (!first) throw new ApiError(0, "no_job", "The server queued no job");
  if (!ctx.options.follow) {
    if (ctx.json) printJson(ctx.io, { jobs: [first] });
    else ctx.io.out(`queued pipeline of ${name}: ${first.kind} job ${first.id} (follow it with: voice-studio jobs follow ${first.id}, or run pipeline with --follow)`);
    return 0;
  }
  if (!ctx.json) ctx.io.out(`pipeline of ${name}: preprocess → extract → train (first job ${first.id})`);
  const sink = eventSink(ctx);
  let last: Job = first;
  for await (const { job, event } of ctx.client.pipeline.follow(first)) {
    last = job;
    sink(job.kind, event);
  }
  const final = await ctx.client.jobs.get(last.id);
  if (ctx.json) printJson(ctx.io, { job: final });
  else if (final.status === "succeeded") ctx.io.out(`pipeline of ${name} succeeded${final.kind === "train" ? `: model "${name}" (voice-studio models download ${name})` : ""}`);
  else ctx.io.out(`pipeline of ${name} ${final.status} at ${final.kind}${final.error ? `: ${oneLine(final.error)}` : ""}`);
  return exitFor(final);
}

async function jobsFollow(ctx: Ctx): Promise<Exit> {
  const id = ctx.args.ID as string;
  const job = await ctx.client.jobs.get(id);
  const sink = eventSink(ctx);
  const final = await ctx.client.jobs.wait(job.id, (ev) => sink(job.kind, ev));
  if (ctx.json) printJson(ctx.io, { job: final });
  else ctx.io.out(`${final.kind} job ${final.id} ${final.status}${final.error ? `: ${oneLine(final.error)}` : ""}`);
  return exitFor(final);
}

async function jobsGet(ctx: Ctx): Promise<Exit> {
  const job = await ctx.client.jobs.get(ctx.args.ID as string);
  if (ctx.json) printJson(ctx.io, job);
  else ctx.io.out(`${job.kind} job ${job.id}${job.experiment ? ` of ${job.experiment}` : ""}: ${job.status}, ${Math.round(job.progress * 100)}%${job.error ? `: ${oneLine(job.error)}` : ""}`);
  return 0;
}

async function jobsCancel(ctx: Ctx): Promise<Exit> {
  const job = await ctx.client.jobs.cancel(ctx.args.ID as string);
  if (ctx.json) printJson(ctx.io, job);
  else ctx.io.out(`${job.kind} job ${job.id}: ${job.status === "cancelled" ? "cancelled" : "cancel requested"}`);
  return 0;
}

/** A model by id or by name. */
async function findModel(ctx: Ctx, ref: string): Promise<Model> {
  const models = await ctx.client.models.list();
  const m = models.find((x) => x.id === ref) ?? models.find((x) => x.name === ref);
  if (!m) throw new ApiError(404, "model_not_found", `No model with id or name "${ref}" (voice-studio models list shows them)`);
  return m;
}

function conversionParams(ctx: Ctx): ConversionParams {
  const p: ConversionParams = {};
  const pitch = intOption(ctx.options, "pitch", ctx.command);
  if (pitch !== undefined) p.pitch = pitch;
  const filterRadius = intOption(ctx.options, "filter-radius", ctx.command);
  if (filterRadius !== undefined) p.filterRadius = filterRadius;
  for (const [flag, key] of [["index-rate", "indexRate"], ["protect", "protect"], ["rms-mix-rate", "rmsMixRate"]] as const) {
    const v = numberOption(ctx.options, flag, ctx.command);
    if (v !== undefined) p[key] = v;
  }
  const f0 = oneOf(ctx, "f0-method", F0_METHODS);
  if (f0 !== undefined) p.f0Method = f0;
  return p;
}

async function convert(ctx: Ctx): Promise<Exit> {
  const params = conversionParams(ctx);
  const files = collectFiles(ctx.args.INPUT as string[]);
  if (files.length === 0) throw new UsageError("no audio files found in the given paths", ctx.command);
  const model = await findModel(ctx, ctx.args.MODEL as string);
  const outDir = path.resolve(str(ctx.options.out) ?? ".");
  const sink = eventSink(ctx);
  let failures = 0;
  for (const [i, file] of files.entries()) {
    const label = `[${i + 1}/${files.length}] ${path.basename(file)}`;
    try {
      const { conversion, job } = await ctx.client.conversions.createFromFile(model.id, file, params);
      const final = await ctx.client.jobs.wait(job.id, (ev) => (ctx.json ? sink("convert", ev) : undefined));
      if (final.status !== "succeeded") {
        failures++;
        if (ctx.json) printJson(ctx.io, { file, conversion: conversion.id, status: final.status, error: final.error });
        else ctx.io.out(`${label}: ${final.status}${final.error ? `: ${oneLine(final.error)}` : ""}`);
        continue;
      }
      const saved = await ctx.client.conversions.downloadAudioTo(conversion.id, outDir);
      if (ctx.json) printJson(ctx.io, { file, conversion: conversion.id, status: "succeeded", output: saved });
      else ctx.io.out(`${label}: converted → ${saved}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 0) throw err;
      failures++;
      if (ctx.json) printJson(ctx.io, { file, status: "refused", error: { code: err.code, message: err.message } });
      else ctx.io.out(`${label}: ${formatError(err).replace(/^error: /, "refused: ")}`);
    }
  }
  return failures > 0 ? 1 : 0;
}

async function modelsList(ctx: Ctx): Promise<Exit> {
  const list = await ctx.client.models.list();
  if (ctx.json) printJson(ctx.io, list);
  else if (list.length === 0) ctx.io.out("no models");
  else for (const m of list) ctx.io.out(`${m.id}\t${m.name}\t${m.sampleRate} Hz\t${m.version}\t${m.epochs ?? "?"} epochs\t${m.files.map((f) => f.kind).join(",")}\t${formatBytes(m.sizeBytes)}`);
  return 0;
}

async function modelsDownload(ctx: Ctx): Promise<Exit> {
  const kind = oneOf(ctx, "kind", ["pth", "index", "onnx", "zip"] as const) ?? ("pth" satisfies ModelFileKind);
  const model = await findModel(ctx, ctx.args.MODEL as string);
  const saved = await ctx.client.models.downloadTo(model.id, path.resolve(str(ctx.options.out) ?? "."), kind);
  if (ctx.json) printJson(ctx.io, { model: model.id, kind, output: saved });
  else ctx.io.out(`saved ${saved}`);
  return 0;
}

export const HANDLERS: Record<string, (ctx: Ctx) => Promise<Exit>> = {
  "experiments create": experimentsCreate,
  "experiments list": experimentsList,
  upload,
  pipeline,
  "jobs follow": jobsFollow,
  "jobs get": jobsGet,
  "jobs cancel": jobsCancel,
  convert,
  "models list": modelsList,
  "models download": modelsDownload,
};
