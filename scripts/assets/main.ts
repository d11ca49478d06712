// `npm run assets`: download the model files (rvc-formats §10) into ASSETS_ROOT, then convert the ContentVec/HuBERT
// checkpoint to the ONNX content models once.
//   npm run assets -- [--rates 40k,48k] [--base-url URL] [--no-convert] [--separation UVR-MDX-NET-Voc_FT|Kim_Vocal_2|none]
// ASSETS_ROOT, PYTHON from lib/config.ts. Exit 1 when a file failed (run again: partial downloads resume).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { config } from "../../lib/config";
import { pythonExecutable } from "../../lib/python";
import { downloadAssets } from "./download";
import { uvrModelHash } from "../../worker/separate/params";
import { defaultAssets, HUBERT_CHECKPOINT, RVC_WEIGHTS_BASE_URL, SAMPLE_RATE_TAGS, SEPARATION_MODELS, UVR_MODELS_BASE_URL, type SampleRateTag } from "./manifest";

/** The content models made from the checkpoint: file under ASSETS_ROOT, layer, final_proj. */
export const CONTENT_CONVERSIONS = [
  { path: "hubert/vec-768-layer-12.onnx", layer: 12, proj: false },
  { path: "hubert/vec-256-layer-9.onnx", layer: 9, proj: true },
] as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const cfg = config();
  const python = await pythonExecutable();
  const rates = (arg("--rates")?.split(",") ?? [...SAMPLE_RATE_TAGS]) as SampleRateTag[];
  for (const r of rates) if (!SAMPLE_RATE_TAGS.includes(r)) throw new Error(`--rates: ${r} is not one of ${SAMPLE_RATE_TAGS.join(", ")}`);
  const baseUrl = arg("--base-url") ?? process.env.ASSETS_BASE_URL ?? RVC_WEIGHTS_BASE_URL;
  const root = cfg.assetsRoot;
  console.log(`assets: into ${root} from ${baseUrl}`);
  const results = await downloadAssets(defaultAssets(rates), { root, baseUrl, log: (l) => console.log(`  ${l}`) });
  let failed = results.filter((r) => r.status === "failed").length;

  // the vocal separation model (issue 19), from UVR's public release; checked by sha256 and by its UVR hash
  const sep = arg("--separation") ?? "UVR-MDX-NET-Voc_FT";
  if (sep !== "none") {
    const spec = SEPARATION_MODELS[sep];
    if (!spec) throw new Error(`--separation: ${sep} is not one of ${[...Object.keys(SEPARATION_MODELS), "none"].join(", ")}`);
    const sepBase = process.env.SEPARATION_ASSETS_BASE_URL ?? UVR_MODELS_BASE_URL;
    const [r] = await downloadAssets([spec], { root, baseUrl: sepBase, log: (l) => console.log(`  ${l}`) });
    const file = path.join(root, spec.path);
    if (r?.status === "failed") failed++;
    else if (fs.existsSync(file)) {
      const got = await uvrModelHash(file);
      if (got !== spec.uvrHash) {
        console.log(`  ${spec.path}: UVR hash ${got} is not ${spec.uvrHash}: not the expected model; remove it and run again`);
        failed++;
      } else if (path.resolve(file) !== path.resolve(cfg.separationModelPath)) {
        console.log(`  ${spec.path}: to use it, set SEPARATION_MODEL_PATH=${file} (now ${cfg.separationModelPath})`);
      }
    }
  }

  if (!process.argv.includes("--no-convert")) {
    const ckpt = path.join(root, HUBERT_CHECKPOINT.path);
    for (const c of CONTENT_CONVERSIONS) {
      const out = path.join(root, c.path);
      if (fs.existsSync(out)) {
        console.log(`  ${c.path}: present, skipped`);
        continue;
      }
      if (!fs.existsSync(ckpt)) {
        console.log(`  ${c.path}: needs ${HUBERT_CHECKPOINT.path}, which is missing`);
        failed++;
        continue;
      }
      console.log(`  ${c.path}: converting ${HUBERT_CHECKPOINT.path} (layer ${c.layer}${c.proj ? " + final_proj" : ""}) with ${python}`);
      const tmp = `${out}.tmp-${process.pid}.onnx`;
      const args = [path.join(import.meta.dirname, "convert_hubert.py"), ckpt, tmp, "--layer", String(c.layer)];
      if (c.proj) args.push("--proj");
      const r = spawnSync(python, args, { stdio: ["ignore", "inherit", "inherit"] });
      if (r.status === 0) {
        fs.renameSync(`${tmp}.json`, `${out}.json`);
        fs.renameSync(tmp, out);
      } else {
        fs.rmSync(tmp, { force: true });
        fs.rmSync(`${tmp}.json`, { force: true });
        console.log(`  ${c.path}: conversion FAILED (${python} needs torch; set PYTHON to an interpreter with it)`);
        failed++;
      }
    }
  }
  console.log(failed ? `assets: ${failed} item(s) failed; run again to resume` : "assets: all present");
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`assets: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
