/**
 * What a fresh installation still lacks, each with the command that fixes it: the Setup callout on the home page
 * and the System page. Pure over assetStatus() and the live workers' capabilities.
 */
import { TORCH_INSTALL_COMMAND } from "./python";
import type { Capabilities } from "./workers";

export interface SetupItem {
  /** what is missing and what does not work without it */
  what: string;
  /** the command (or setting) that adds it */
  fix: string;
}

export interface SetupInput {
  assets: {
    hubert: { present: boolean; path: string };
    rmvpe: { present: boolean; path: string };
    separation: { present: boolean; path: string };
    pretrained: { dir: string; files: { present: boolean }[] };
  };
  /** live workers (null: the database could not be asked) */
  workers: { host: string; pid: number; capabilities: unknown }[] | null;
}

export function setupProblems({ assets, workers }: SetupInput): SetupItem[] {
  const items: SetupItem[] = [];
  if (!assets.hubert.present) {
    items.push({ what: `The content model is missing (${assets.hubert.path}): extract and training cannot run.`, fix: "npm run assets" });
  }
  if (!assets.rmvpe.present) {
    items.push({ what: `The RMVPE pitch model is missing (${assets.rmvpe.path}): the rmvpe pitch method fails (yin works without it).`, fix: "npm run assets" });
  }
  if (!assets.separation.present) {
    items.push({
      what: `The vocal separation model is missing (${assets.separation.path}, SEPARATION_MODEL_PATH): "isolate vocals" of songs cannot run (recordings of the voice alone do not need it).`,
      fix: "npm run assets",
    });
  }
  if (!assets.pretrained.files.some((f) => f.present)) {
    items.push({ what: `No pretrained weights in ${assets.pretrained.dir}: training can only start from scratch (needs many more epochs).`, fix: "npm run assets" });
  }
  if (workers && workers.length === 0) {
    items.push({ what: "No worker is running: jobs wait in the queue.", fix: "npm start (runs one), or npm run worker" });
  }
  for (const w of workers ?? []) {
    const py = (w.capabilities as Partial<Capabilities> | null)?.python;
    if (py && !py.torch) {
      const tried = py.passedOver?.length ? ` (tried ${py.passedOver.map((p) => `${p.executable}: ${p.reason}`).join("; ")})` : "";
      items.push({
        what: `The worker on ${w.host} (pid ${w.pid}) has no Python with PyTorch${tried}: training, index builds and model import fail.`,
        fix: `${TORCH_INSTALL_COMMAND}, then restart (or set PYTHON to an interpreter with torch)`,
      });
    }
  }
  return items;
}
