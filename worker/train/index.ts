/**
 * The `train` job: checks the experiment and the machine, writes filelist.txt and config.json, runs
 * `python3 -m trainer train` as a child process, turns its JSON lines into progress, loss metrics and
 * checkpoint events, stops it with SIGTERM on cancel (SIGKILL after a grace period), and registers the
 * finished model in MODELS_ROOT/{exp}/. A retried job resumes from the newest checkpoint by itself.
 */
import fs from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { ApiError } from "../../lib/errors";
import { writeFileAtomic } from "../../lib/fs-atomic";
import { featureDirName, paths, RVC_SUBDIRS } from "../../lib/paths";
import { parseTrainOptions } from "../../lib/api/parse";
import type { TrainOptions } from "../../lib/train-options";
import { summarizeValidation, validateExperiment } from "../../lib/validate";
import { PermanentJobError, type JobContext, type JobHandler } from "../runner";
import { buildFilelist, filelistLine, pickHeldOut, stemOf, type MuteFiles } from "./filelist";
import { readSources, resolveProbe } from "../../lib/train-probe";
import { excludedSlicesOf, exclusions, stemsLeftOut } from "../../lib/dataset/exclusions";
import { readManifest } from "../preprocess/manifest";
import { ensureMuteFiles } from "./mute";
import { checkResources, probeTorch } from "./preflight";
import { resolvePretrained } from "./pretrained";
import { isOutOfMemory, parseTrainerLine, type TrainerEvent } from "./protocol";
import { runTrainerCommand } from "../../lib/trainer-cli";
import { spawnTrainer } from "./launch";
import { registerModel } from "./register";
import { modelNameConflict } from "../../lib/models";
import { pythonExecutable } from "../../lib/python";

/** after SIGTERM the trainer finishes its step and saves; on a CPU a full-size step can take ~20 s */
export const STOP_GRACE_MS = 90_000;

/** the held-out clips, in filelist.txt's format, beside it (the trainer's --heldout) */
export const HELD_OUT_FILE = "heldout.txt";
/** the probe clip, one filelist line (the trainer's --probe) */
export const PROBE_FILE = "probe.txt";

export interface TrainState {
  completedEpochs: number;
  /** `g`: the generator checkpoint's file name in the experiment folder (publish reads it) */
  checkpoints: { epoch: number; step: number; reason: string; at: string; g?: string }[];
  /** the held-out stems (validation clips), chosen when the training starts and kept by continue/resume */
  heldOut?: string[];
  /** the probe clip's stem (the previews' clip), or null/absent: the first held-out clip */
  probe?: string | null;
}

async function readState(file: string): Promise<TrainState> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as TrainState;
  } catch {
    return { completedEpochs: 0, checkpoints: [] };
  }
}

async function stemsIn(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith(".") && (n.endsWith(".wav") || n.endsWith(".npy"))).map(stemOf);
}

export function trainerArgs(o: { expDir: string; epochs: number; options: TrainOptions; pretrained: { g: string; d: string } | null; out: string; name: string; sampleRate: number; version: string; heldOutFile?: string | null; probeFile?: string | null }): string[] {
  const { options } = o;
  const args = ["train", "--exp-dir", o.expDir, "--epochs", String(o.epochs), "--batch-size", String(options.batchSize),
    "--save-every", String(options.saveEvery), "--device", "auto", "--precision", options.precision, "--out", o.out, "--name", o.name,
    "--version", o.version, "--f0", "1", "--sample-rate", `${o.sampleRate / 1000}k`];
  if (options.saveLatestOnly) args.push("--latest-only");
  if (o.pretrained) args.push("--pretrained-g", o.pretrained.g, "--pretrained-d", o.pretrained.d);
  if (options.gpus.length) args.push("--gpus", options.gpus.join(","));
  if (o.heldOutFile) {
    args.push("--heldout", o.heldOutFile);
    if (options.earlyStopPatience > 0) args.push("--early-stop-patience", String(options.earlyStopPatience));
  }
  if (o.probeFile) args.push("--probe", o.probeFile);
  return args;
}

/**
 * filelist.txt and heldout.txt for a training: the slices present in every input folder, less those the dataset
 * doctor's exclusions leave out (an excluded upload's slices and excluded slices); continue/resume keeps the held-out
 * set the checkpoints were validated on (less any excluded since), a fresh training picks one. Sets `state.heldOut`.
 */
export async function writeTrainingFilelist(o: {
  experimentId: string;
  name: string;
  version: "v1" | "v2";
  mute: MuteFiles;
  heldOutFraction: number;
  state: TrainState;
}): Promise<ReturnType<typeof buildFilelist> & { excluded: number; usable: string[]; dirs: { gt: string; feature: string; f0: string; f0nsf: string } }> {
  const p = paths();
  const expDir = p.experimentDir(o.name);
  const dirs = {
    gt: p.experimentSubdir(o.name, "gtWavs"),
    feature: p.featureDir(o.name, o.version),
    f0: p.experimentSubdir(o.name, "f0"),
    f0nsf: p.experimentSubdir(o.name, "f0nsf"),
  };
  const stemLists = { gt: await stemsIn(dirs.gt), feature: await stemsIn(dirs.feature), f0: await stemsIn(dirs.f0), f0nsf: await stemsIn(dirs.f0nsf) };
  const manifest = await readManifest(path.join(expDir, "preprocess.json"));
  const ex = await exclusions(o.experimentId, manifest?.sources ?? {});
  const excluded = stemsLeftOut(stemLists.gt, ex.idx0, ex.slices);
  const usable = buildFilelist({ dirs, stems: stemLists, f0: true, speakerId: 0, mute: o.mute, excluded }).stems;
  const heldOutStems = o.state.completedEpochs > 0 ? (o.state.heldOut ?? []) : pickHeldOut(usable, o.heldOutFraction);
  const filelist = buildFilelist({ dirs, stems: stemLists, f0: true, speakerId: 0, mute: o.mute, heldOut: heldOutStems, excluded });
  await writeFileAtomic(path.join(expDir, "filelist.txt"), filelist.text);
  const heldOutFile = path.join(expDir, HELD_OUT_FILE);
  if (filelist.heldOut.length) await writeFileAtomic(heldOutFile, filelist.heldOutText);
  else await fs.rm(heldOutFile, { force: true });
  o.state.heldOut = filelist.heldOut;
  return { ...filelist, excluded: excluded.size, usable, dirs };
}

export const train: JobHandler = async (ctx: JobContext) => {
  const { job, signal, report } = ctx;
  let options: TrainOptions;
  try {
    options = parseTrainOptions((job.params ?? {}) as Record<string, unknown>);
  } catch (err) {
    throw new PermanentJobError(err instanceof ApiError ? err.message : String(err));
  }
  // GPU slots (worker/slots.ts): the trainer sees only the devices this job holds, renumbered from 0 by CUDA, so a
  // multi-GPU request becomes "all visible devices" and one device is simply the default
  const pinned = ctx.devices.length ? { CUDA_VISIBLE_DEVICES: ctx.devices.join(",") } : undefined;
  if (pinned) options = { ...options, gpus: ctx.devices.length > 1 ? ctx.devices.map((_, i) => i) : [] };
  if (!job.experimentId) throw new PermanentJobError("train needs an experiment");
  const experiment = await db().experiment.findUnique({ where: { id: job.experimentId } });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  const version = experiment.version as "v1" | "v2";
  const cfg = config();
  const p = paths();
  const expDir = p.experimentDir(experiment.name);

  report.progress(0, 1, "checking");
  const clash = await modelNameConflict(experiment.name, experiment.id);
  if (clash) throw new PermanentJobError(clash);
  const validation = await validateExperiment(experiment.name, version, true, await excludedSlicesOf(experiment));
  if (!validation.ok) {
    throw new PermanentJobError(`the experiment is not ready to train: ${summarizeValidation(validation)}`);
  }
  const python = await pythonExecutable();
  const torch = await probeTorch(python, pinned);
  for (const note of await checkResources(torch, options, expDir)) report.log("info", `preflight: ${note}`);
  const pretrained = resolvePretrained(options.pretrained, experiment.sampleRate, version);
  report.log("info", pretrained ? `pretrained: ${path.basename(pretrained.g)} / ${path.basename(pretrained.d)}` : "pretrained: none (training from scratch)");

  await fs.access(cfg.hubertPath).catch(() => {
    throw new PermanentJobError(`the content model is missing: HUBERT_PATH=${cfg.hubertPath} (run \`npm run assets\`); it also makes the filelist's mute entries`);
  });
  const mute = await ensureMuteFiles(experiment.sampleRate, version, cfg.hubertPath, signal);
  const stateFile = path.join(expDir, "train-state.json");
  const state = await readState(stateFile);
  const filelist = await writeTrainingFilelist({ experimentId: experiment.id, name: experiment.name, version, mute, heldOutFraction: options.heldOut, state });
  const { usable, dirs } = filelist;
  // the probe clip: the option (a slice or an upload's first slice), else the one a continued training had
  const probeAsked = options.probe ?? state.probe ?? null;
  let probeStem: string | null = null;
  if (probeAsked) {
    const r = resolveProbe(probeAsked, usable, await readSources(expDir));
    if (!("error" in r)) probeStem = r.stem;
    else if (options.probe) throw new PermanentJobError(`the probe clip ${JSON.stringify(probeAsked)} does not fit: ${r.error}`);
    else report.log("warn", `the earlier probe clip ${probeAsked} is gone (${r.error}); the previews render the first held-out clip`);
  }
  const probeFile = path.join(expDir, PROBE_FILE);
  if (probeStem) await writeFileAtomic(probeFile, filelistLine(dirs, true, 0, probeStem));
  else await fs.rm(probeFile, { force: true });
  state.probe = probeStem;
  await writeFileAtomic(stateFile, JSON.stringify(state, null, 1));
  const heldOutFile = path.join(expDir, HELD_OUT_FILE);
  if (filelist.excluded) report.log("info", `left out by the dataset's exclusions: ${filelist.excluded} slice(s)`);
  report.log("info", `filelist.txt: ${filelist.stems.length} clips + 2 mute entries (${RVC_SUBDIRS.gtWavs}, ${featureDirName(version)}, ${RVC_SUBDIRS.f0}, ${RVC_SUBDIRS.f0nsf})`);
  if (options.earlyStopPatience > 0 && !filelist.heldOut.length) report.log("warn", "early stop is off: it needs held-out clips (heldOut > 0 and at least 4 slices)");
  if (probeStem) report.log("info", `preview clip of each checkpoint (${PROBE_FILE}): ${probeStem}${filelist.heldOut.includes(probeStem) ? " (held out)" : filelist.stems.includes(probeStem) ? " (also trained on)" : ""}`);
  report.log("info", filelist.heldOut.length ? `held out for validation (${HELD_OUT_FILE}): ${filelist.heldOut.length} clips: ${filelist.heldOut.join(", ")}` : "no held-out clips: checkpoints are not validated");
  const configFile = path.join(expDir, "config.json");
  if (!(await fs.access(configFile).then(() => true, () => false))) {
    const args = ["write-config", "--sample-rate", `${experiment.sampleRate / 1000}k`, "--version", version, "--out", configFile];
    if (!torch.cuda) args.push("--fp32");
    const run = await runTrainerCommand(args);
    if (run.code !== 0) {
      const why = (run.events.find((e) => e.type === "error")?.message as string | undefined) ?? run.stderr.trim().split("\n").pop();
      throw new Error(`trainer write-config failed: ${why}`);
    }
  }

  const epochs = options.moreEpochs ? state.completedEpochs + options.moreEpochs : options.epochs;
  const out = path.join(expDir, "model-out");
  await fs.rm(out, { recursive: true, force: true });
  await fs.mkdir(out, { recursive: true });
  report.log("info", `training to epoch ${epochs}${state.completedEpochs ? ` (checkpoints hold ${state.completedEpochs})` : ""}, batch size ${options.batchSize}`);

  const result = await runTrainer(ctx, python, trainerArgs({ expDir, epochs, options, pretrained, out, name: experiment.name, sampleRate: experiment.sampleRate, version, heldOutFile: filelist.heldOut.length ? heldOutFile : null, probeFile: probeStem ? probeFile : null }), stateFile, state, options, pinned);
  const model = await registerModel({
    experiment,
    artifacts: result.artifacts,
    epochs: result.epoch,
    datasetSeconds: (await db().audioFile.aggregate({ where: { experimentId: experiment.id, status: "ready", excluded: false }, _sum: { durationSec: true } }))._sum.durationSec ?? null,
    trainParams: { ...options, epochs },
    createdById: job.createdById,
  });
  await db().experiment.update({ where: { id: experiment.id }, data: { status: "trained" } });
  report.log("info", `model ${model.name} registered (${model.files.length} files)`);
  return { modelId: model.id, epochs: result.epoch, steps: result.step, seconds: result.seconds, heldOut: filelist.heldOut, ...(result.early_stop ? { earlyStop: result.early_stop } : {}) };
};

async function runTrainer(ctx: JobContext, python: string, args: string[], stateFile: string, state: TrainState, options: TrainOptions, env?: Record<string, string>) {
  const { signal, report } = ctx;
  const child = spawnTrainer(python, args, env);
  let done: Extract<TrainerEvent, { type: "done" }> | undefined;
  let errorMessage: string | undefined;
  let stopped = false;
  const stderrTail: string[] = [];
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    report.log("warn", "stopping the trainer: it saves a checkpoint first");
    child.kill("SIGTERM");
    killTimer = setTimeout(() => {
      report.log("error", `the trainer did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
      child.kill("SIGKILL");
    }, STOP_GRACE_MS);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });

  const handle = async (ev: TrainerEvent) => {
    switch (ev.type) {
      case "start":
        report.log("info", `trainer started on ${ev.device} (${ev.precision}${ev.torch ? `, torch ${ev.torch}` : ""}): ${ev.items} clips, ${ev.steps_per_epoch} steps per epoch, epochs ${ev.start_epoch}–${ev.epochs}${ev.resumed_from ? `, resumed from ${path.basename(ev.resumed_from)}` : ""}`);
        break;
      case "progress":
        report.progress(ev.step, ev.total_steps, `epoch ${ev.epoch}/${ev.epochs}`, "steps");
        break;
      case "epoch":
        report.metric({ kind: "epoch", epoch: ev.epoch, epochs: ev.epochs, step: ev.step, lr: ev.lr, seconds: ev.seconds, ...ev.losses });
        report.log("info", `epoch ${ev.epoch}/${ev.epochs}: mel ${fmt(ev.losses.mel)}, kl ${fmt(ev.losses.kl)}, gen ${fmt(ev.losses.gen)}, disc ${fmt(ev.losses.disc)}, fm ${fmt(ev.losses.fm)} (${ev.seconds.toFixed(1)} s)`);
        break;
      case "checkpoint": {
        const entry = { epoch: ev.epoch, step: ev.step, reason: ev.reason, at: new Date().toISOString(), g: path.basename(ev.g) };
        state.completedEpochs = Math.max(state.completedEpochs, ev.epoch);
        state.checkpoints = [...state.checkpoints.filter((c) => options.saveLatestOnly ? false : c.step !== ev.step), entry];
        await writeFileAtomic(stateFile, JSON.stringify(state, null, 1));
        report.metric({ kind: "checkpoint", ...entry });
        report.log("info", `checkpoint saved at epoch ${ev.epoch} (${ev.reason})`);
        break;
      }
      case "validation":
        report.metric({ kind: "validation", epoch: ev.epoch, step: ev.step, mel: ev.mel, stft: ev.stft, clips: ev.clips, seconds: ev.seconds, preview: ev.preview ?? null });
        report.log("info", `validation at epoch ${ev.epoch} on ${ev.clips} held-out clips: mel ${fmt(ev.mel)}, stft ${fmt(ev.stft)} (${ev.seconds.toFixed(1)} s)`);
        break;
      case "early_stop":
        report.metric({ kind: "early_stop", epoch: ev.epoch, step: ev.step, bestEpoch: ev.best_epoch, patience: ev.patience, reason: ev.reason });
        report.log("info", `early stop after epoch ${ev.epoch}: ${ev.reason}`);
        break;
      case "artifact":
        report.log("info", `wrote ${ev.kind}: ${path.basename(ev.path)}`);
        break;
      case "warning":
        report.log("warn", ev.message);
        break;
      case "done":
        done = ev;
        break;
      case "stopped":
        stopped = true;
        break;
      case "error":
        errorMessage = ev.message;
        break;
    }
  };
  let chain = Promise.resolve();
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const ev = parseTrainerLine(line);
    chain = chain.then(() => (ev ? handle(ev) : report.log("info", line))).catch((e) => report.log("error", String(e)));
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 30) stderrTail.shift();
    if (!line.startsWith("error: ")) report.log(/warn/i.test(line) ? "warn" : "info", line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", (e) => reject(new PermanentJobError(`could not start ${python}: ${e.message}`)));
    child.on("close", (c) => resolve(c));
  });
  await chain;
  if (killTimer) clearTimeout(killTimer);
  signal.removeEventListener("abort", onAbort);
  if (signal.aborted) {
    // the last word is what was saved, not the epoch that was running ("epoch 6/8" while epoch 5 is kept)
    const kept = state.checkpoints.at(-1);
    const total = report.lastProgress?.total ?? 1;
    report.progress(Math.min(kept?.step ?? 0, total), total, stoppedStage(state.completedEpochs), "steps");
    throw signal.reason;
  }
  if (code !== 0 || !done) {
    const why = errorMessage ?? stderrTail.filter(Boolean).slice(-3).join(" | ") ?? `exit ${code}`;
    if (isOutOfMemory(why) || stderrTail.some(isOutOfMemory)) {
      throw new PermanentJobError(`the GPU ran out of memory with batch size ${options.batchSize}: lower the batch size and continue training (checkpoints are kept)`);
    }
    if (stopped) throw new Error("the trainer stopped before finishing");
    throw new PermanentJobError(`training failed: ${why || `trainer exited with code ${code}`}`);
  }
  return done;
}

const fmt = (v: number | null | undefined) => (v == null ? "—" : v.toFixed(3));

/** The stage a stopped training ends with: the epoch its newest checkpoint holds. Pure. */
export function stoppedStage(completedEpochs: number): string {
  return completedEpochs > 0 ? `stopped: the checkpoint of epoch ${completedEpochs} is kept` : "stopped before the first checkpoint";
}
