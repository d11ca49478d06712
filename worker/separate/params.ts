// MDX-Net model parameters: what each public vocal model needs around it (its ONNX file holds only the network).
//
// UVR keys its MDX parameter table (models/MDX_Net_Models/model_data/model_data.json) by the md5 of the model file's
// LAST 10 000 × 1024 bytes (the whole file when it is smaller) — not of the whole file; `uvrModelHash` computes the
// same. Values below are the published entries of that table (dim_t there is an exponent: 8 → 2^8 = 256 frames).
// `compensate` scales the model's output stem (UVR and python-audio-separator multiply the primary stem by it).
// The hop is 1024 for every MDX-Net model.
import crypto from "node:crypto";
import fs from "node:fs/promises";

export type PrimaryStem = "vocals" | "instrumental";

export interface MdxParams {
  /** STFT size */
  nFft: number;
  /** STFT hop (1024 for all MDX-Net models) */
  hop: number;
  /** frequency bins the model takes */
  dimF: number;
  /** frames per model call (a power of two) */
  dimT: number;
  /** output gain of the primary stem */
  compensate: number;
  /** what the model outputs; the other stem is the mix minus it */
  primaryStem: PrimaryStem;
  /** lowest bins zeroed in the model's input (UVR: 3) */
  zeroLowBins: number;
}

export interface KnownMdxModel extends MdxParams {
  name: string;
}

const common = { hop: 1024, dimF: 3072, dimT: 256, nFft: 7680, zeroLowBins: 3, primaryStem: "vocals" as const };

/** UVR hash (md5 of the last 10 000 KiB) → parameters. Only vocal models whose entries we could confirm. */
export const KNOWN_MDX_MODELS: Readonly<Record<string, KnownMdxModel>> = {
  "77d07b2667ddf05b9e3175941b4454a0": { name: "UVR-MDX-NET-Voc_FT", ...common, compensate: 1.021 },
  "970b3f9492014d18fefeedfe4773cb42": { name: "Kim_Vocal_2", ...common, compensate: 1.009 },
  "73492b58195c3b52d34590d5474452f6": { name: "Kim_Vocal_1", ...common, compensate: 1.043 },
};

/** Bytes from the end of the file that UVR hashes. */
export const UVR_HASH_TAIL_BYTES = 10_000 * 1024;

/** md5 (hex) of the last 10 000 KiB of the file, or of the whole file when it is smaller (UVR's `get_model_hash`). */
export async function uvrModelHash(file: string): Promise<string> {
  const fh = await fs.open(file, "r");
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - UVR_HASH_TAIL_BYTES);
    const md5 = crypto.createHash("md5");
    const buf = Buffer.alloc(1 << 20);
    for (let at = start; at < size; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - at), at);
      if (bytesRead === 0) break;
      md5.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    return md5.digest("hex");
  } finally {
    await fh.close();
  }
}

/** Parameters set explicitly (config SEPARATION_MODEL_PARAMS), each optional. */
export type MdxOverrides = Partial<MdxParams>;

export interface ResolvedParams {
  params: MdxParams;
  /** "table": a known model (its name); "override": set by config; "table+override" */
  source: string;
  hash: string;
}

export class UnknownModelError extends Error {
  override name = "UnknownModelError";
}

/** Check one set of parameters; throws with the field at fault. */
export function checkParams(p: MdxParams): MdxParams {
  const bins = Math.floor(p.nFft / 2) + 1;
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(p.nFft, 4, 65536) || p.nFft % 2 !== 0) throw new UnknownModelError(`nFft must be an even integer in 4…65536, got ${p.nFft}`);
  if (!int(p.hop, 1, p.nFft / 2)) throw new UnknownModelError(`hop must be an integer in 1…nFft/2, got ${p.hop}`);
  if (!int(p.dimF, 1, bins)) throw new UnknownModelError(`dimF must be an integer in 1…${bins}, got ${p.dimF}`);
  if (!int(p.dimT, 2, 4096) || (p.dimT & (p.dimT - 1)) !== 0) throw new UnknownModelError(`dimT must be a power of two in 2…4096, got ${p.dimT}`);
  if (!(Number.isFinite(p.compensate) && p.compensate > 0 && p.compensate < 10)) throw new UnknownModelError(`compensate must be in (0, 10), got ${p.compensate}`);
  if (p.primaryStem !== "vocals" && p.primaryStem !== "instrumental") throw new UnknownModelError(`primaryStem must be vocals or instrumental`);
  if (!int(p.zeroLowBins, 0, p.dimF)) throw new UnknownModelError(`zeroLowBins must be an integer in 0…dimF, got ${p.zeroLowBins}`);
  return p;
}

/**
 * The parameters of the model file: the table entry of its UVR hash, with `overrides` on top. A model not in the
 * table needs at least nFft, dimF and dimT from the overrides (the rest default to UVR's: hop 1024, compensate 1,
 * vocals, 3 low bins zeroed).
 */
export async function resolveParams(file: string, overrides: MdxOverrides = {}): Promise<ResolvedParams> {
  const hash = await uvrModelHash(file);
  const known = KNOWN_MDX_MODELS[hash];
  const has = Object.keys(overrides).length > 0;
  if (known) {
    const { name, ...base } = known;
    return { params: checkParams({ ...base, ...overrides }), source: has ? `${name}+override` : name, hash };
  }
  const missing = (["nFft", "dimF", "dimT"] as const).filter((k) => overrides[k] === undefined);
  if (missing.length) {
    throw new UnknownModelError(
      `the separation model ${file} (UVR hash ${hash}) is not one we know (${Object.values(KNOWN_MDX_MODELS).map((m) => m.name).join(", ")}); ` +
        `set its parameters with SEPARATION_MODEL_PARAMS, e.g. '{"nFft":7680,"dimF":3072,"dimT":256,"compensate":1.0}' (missing: ${missing.join(", ")})`,
    );
  }
  const params = { hop: 1024, compensate: 1, primaryStem: "vocals" as const, zeroLowBins: 3, ...overrides } as MdxParams;
  return { params: checkParams(params), source: "override", hash };
}
