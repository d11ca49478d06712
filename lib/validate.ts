/**
 * GET /api/experiments/{name}/validate: is the experiment dir a complete RVC training set?
 * Every 0_gt_wavs/X.wav needs 1_16k_wavs/X.wav, 2a_f0/X.wav.npy, 2b-f0nsf/X.wav.npy (same length) and
 * 3_feature768/X.npy ([frames, 768]; 256 for v1). A recording that preprocess could not finish for a reason of
 * the system (a full disk, an I/O error, an interrupted run; preprocess.json) makes the set incomplete too, while
 * unusable recordings (silent, too short) are only left out. The train job runs the same check before any GPU time.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { decodeNpy } from "../worker/dsp/npy";
import { readManifest } from "../worker/preprocess/manifest";
import { paths, type RvcVersion } from "./paths";

export interface ValidationReport {
  ok: boolean;
  /** `gt`: the slices that train (after the dataset's exclusions); `excluded`: those the exclusions leave out */
  counts: { gt: number; wav16k: number; f0: number; f0nsf: number; feature: number; excluded: number };
  problems: { file: string; problem: string }[];
}

async function names(dir: string, suffix: string): Promise<Set<string>> {
  const all = await fs.readdir(dir).catch(() => [] as string[]);
  return new Set(all.filter((n) => n.endsWith(suffix) && !n.startsWith(".")).map((n) => n.slice(0, -suffix.length)));
}

async function npyShape(file: string): Promise<number[] | string> {
  try {
    return decodeNpy(await fs.readFile(file)).shape;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * `excluded`: the slices the dataset doctor's exclusions leave out (lib/dataset/exclusions.ts excludedStemsOf): they
 * are not checked and not counted, as they never reach filelist.txt.
 */
export async function validateExperiment(name: string, version: RvcVersion, withPitch = true, excluded: ReadonlySet<string> = new Set()): Promise<ValidationReport> {
  const p = paths();
  const dirs = {
    gt: p.experimentSubdir(name, "gtWavs"),
    wav16k: p.experimentSubdir(name, "wavs16k"),
    f0: p.experimentSubdir(name, "f0"),
    f0nsf: p.experimentSubdir(name, "f0nsf"),
    feature: p.featureDir(name, version),
  };
  const [allGt, wav16k, f0, f0nsf, feature] = await Promise.all([
    names(dirs.gt, ".wav"),
    names(dirs.wav16k, ".wav"),
    names(dirs.f0, ".wav.npy"),
    names(dirs.f0nsf, ".wav.npy"),
    names(dirs.feature, ".npy"),
  ]);
  const gt = new Set([...allGt].filter((s) => !excluded.has(s)));
  const dim = version === "v1" ? 256 : 768;
  const problems: ValidationReport["problems"] = [];
  const manifest = await readManifest(path.join(p.experimentDir(name), "preprocess.json"));
  for (const entry of Object.values(manifest?.sources ?? {})) {
    if (entry.status === "failed" && (entry.code || entry.error === "interrupted")) {
      problems.push({ file: entry.name, problem: `preprocess did not finish it (${entry.code ?? "interrupted"}): run preprocess again` });
    }
  }
  if (allGt.size > 0 && gt.size === 0) problems.push({ file: path.basename(dirs.gt), problem: "every training chunk is excluded: include some files or slices again" });
  else if (gt.size === 0) problems.push({ file: path.basename(dirs.gt), problem: "no training chunks: run preprocess" });
  for (const stem of [...gt].sort()) {
    const file = `${stem}.wav`;
    if (!wav16k.has(stem)) problems.push({ file, problem: "missing 1_16k_wavs copy: re-run preprocess" });
    if (!feature.has(stem)) {
      problems.push({ file, problem: `missing ${path.basename(dirs.feature)}/${stem}.npy: run extract` });
    } else {
      const shape = await npyShape(path.join(dirs.feature, `${stem}.npy`));
      if (typeof shape === "string") problems.push({ file, problem: `unreadable features: ${shape}` });
      else if (shape.length !== 2 || shape[1] !== dim || shape[0] === 0) {
        problems.push({ file, problem: `features have shape [${shape}], expected [frames, ${dim}]` });
      }
    }
    if (!withPitch) continue;
    if (!f0.has(stem) || !f0nsf.has(stem)) {
      problems.push({ file, problem: "missing pitch (2a_f0 / 2b-f0nsf): run extract" });
      continue;
    }
    const [a, b] = await Promise.all([npyShape(path.join(dirs.f0, `${file}.npy`)), npyShape(path.join(dirs.f0nsf, `${file}.npy`))]);
    if (typeof a === "string" || typeof b === "string") problems.push({ file, problem: `unreadable pitch: ${typeof a === "string" ? a : b}` });
    else if (a[0] !== b[0]) problems.push({ file, problem: `pitch lengths differ (2a_f0 ${a[0]}, 2b-f0nsf ${b[0]})` });
  }
  for (const stem of wav16k) if (!allGt.has(stem)) problems.push({ file: `${stem}.wav`, problem: "16 kHz copy without its 0_gt_wavs file" });
  return {
    ok: problems.length === 0,
    counts: { gt: gt.size, wav16k: wav16k.size, f0: f0.size, f0nsf: f0nsf.size, feature: feature.size, excluded: allGt.size - gt.size },
    problems,
  };
}

/**
 * One sentence for a report that is not ok, saying what to run rather than listing every file: "run preprocess
 * first" when there are no chunks, "run extract first" when no chunk has features or pitch yet, counts when a stage
 * is partly done, and the remaining problems (at most 3 listed) otherwise. Pure.
 */
export function summarizeValidation(report: ValidationReport): string {
  const { counts, problems } = report;
  if (problems.length === 0) return "ready to train";
  const extractMissing = problems.filter((x) => /: run extract$/.test(x.problem));
  const preprocessMissing = problems.filter((x) => /(re-)?run preprocess( again)?$/.test(x.problem));
  const parts: string[] = [];
  if (counts.gt === 0) parts.push("there are no training chunks yet: run preprocess first");
  else if (preprocessMissing.length > 0) parts.push(`preprocess is incomplete (${preprocessMissing.length} problem(s), e.g. ${preprocessMissing[0]!.file}: ${preprocessMissing[0]!.problem})`);
  const stems = new Set(extractMissing.map((x) => x.file));
  if (counts.gt > 0 && stems.size >= counts.gt && counts.feature === 0) parts.push("no features or pitch have been extracted yet: run extract first");
  else if (stems.size > 0) parts.push(`${stems.size} of ${counts.gt} training chunks have no features or pitch: run extract again`);
  const rest = problems.filter((x) => !extractMissing.includes(x) && !preprocessMissing.includes(x) && !(counts.gt === 0 && x.problem.startsWith("no training chunks")));
  if (rest.length > 0) {
    const shown = rest.slice(0, 3).map((x) => `${x.file}: ${x.problem}`).join("; ");
    parts.push(rest.length > 3 ? `${shown} (and ${rest.length - 3} more)` : shown);
  }
  return parts.join("; ");
}
