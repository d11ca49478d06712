/** Shared by the specs that train in the browser: can this machine train, and the trainer's tiny configuration. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tinyModels } from "../helpers/tiny-models";

const PY = "/usr/bin/python3";

const hasTorch = (() => {
  try {
    execFileSync(PY, ["-c", "import torch, faiss"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Why training specs cannot run here, or null. */
export const trainSkipReason: string | null =
  hasTorch && tinyModels().ok ? null : `needs ${PY} with torch and faiss, and the tiny ONNX models`;

/** Put the trainer's tiny configuration where the train job looks before writing upstream's template. */
export function writeTinyConfig(experiment: string): void {
  const config = path.join(process.env.E2E_DATA_ROOT!, "experiments", experiment, "config.json");
  fs.mkdirSync(path.dirname(config), { recursive: true });
  execFileSync(PY, ["-c", `import sys, json; sys.path.insert(0, "worker/trainer/tests"); from conftest import tiny_config; json.dump(tiny_config(), open(sys.argv[1], "w"), indent=4, sort_keys=True)`, config]);
}
