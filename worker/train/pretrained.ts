/** Which pretrained G/D files a training run starts from (used only when there is no checkpoint to resume). */
import fs from "node:fs";
import { paths } from "../../lib/paths";
import type { PretrainedChoice } from "../../lib/train-options";
import { PermanentJobError } from "../runner";

/** Upstream's names: assets/pretrained_v2/f0G40k.pth etc. (rvc-formats §10). */
export function defaultPretrainedNames(sampleRate: number, f0: boolean): { g: string; d: string } {
  const sr = `${sampleRate / 1000}k`;
  const prefix = f0 ? "f0" : "";
  return { g: `${prefix}G${sr}.pth`, d: `${prefix}D${sr}.pth` };
}

export function resolvePretrained(choice: PretrainedChoice, sampleRate: number, version: string, f0 = true): { g: string; d: string } | null {
  if (choice === "none") return null;
  if (choice === "default") {
    if (version !== "v2") {
      throw new PermanentJobError(`default pretrained weights are provided for v2 only; choose pretrained "none" for a ${version} experiment`);
    }
    const names = defaultPretrainedNames(sampleRate, f0);
    const files = { g: paths().pretrainedV2(names.g), d: paths().pretrainedV2(names.d) };
    const missing = Object.values(files).filter((f) => !fs.existsSync(f));
    if (missing.length) {
      throw new PermanentJobError(
        `the default pretrained weights are missing (${missing.join(", ")}): run \`npm run assets\` to fetch them into ASSETS_ROOT, ` +
          `or train with pretrained "none" (much slower to reach good quality)`,
      );
    }
    return files;
  }
  const files = { g: paths().customPretrained(choice.g), d: paths().customPretrained(choice.d) };
  const missing = Object.values(files).filter((f) => !fs.existsSync(f));
  if (missing.length) throw new PermanentJobError(`custom pretrained file(s) not found: ${missing.join(", ")}`);
  return files;
}
