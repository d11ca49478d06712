/**
 * Which read-only model assets are present (under ASSETS_ROOT unless their variable points elsewhere; never written
 * by the app): the content model, RMVPE, the pretrained weights and the vocal separation model (issue 19).
 */
import fs from "node:fs";
import path from "node:path";
import { config } from "./config";

const PRETRAINED_V2 = ["f0G32k.pth", "f0D32k.pth", "f0G40k.pth", "f0D40k.pth", "f0G48k.pth", "f0D48k.pth"];

function fileInfo(p: string) {
  try {
    const st = fs.statSync(p);
    return st.isFile() ? { path: p, present: true, bytes: st.size } : { path: p, present: false };
  } catch {
    return { path: p, present: false };
  }
}

export function assetStatus() {
  const cfg = config();
  const dir = path.join(cfg.assetsRoot, "pretrained_v2");
  return {
    root: cfg.assetsRoot,
    hubert: fileInfo(cfg.hubertPath),
    rmvpe: fileInfo(cfg.rmvpePath),
    separation: fileInfo(cfg.separationModelPath),
    pretrained: { dir, files: PRETRAINED_V2.map((f) => ({ name: f, ...fileInfo(path.join(dir, f)) })) },
  };
}
