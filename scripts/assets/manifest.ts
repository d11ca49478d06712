// The model files Voice Studio downloads into ASSETS_ROOT (rvc-formats §10). Paths are relative to ASSETS_ROOT and
// to the download base. A sha256 of null means no published hash is known to us: the file is then accepted on its
// size (when known) and its computed hash is printed, marked unverified.

export const RVC_WEIGHTS_BASE_URL = "https://huggingface.co/lj1995/VoiceConversionWebUI/resolve/main/";

export interface AssetSpec {
  /** path under ASSETS_ROOT */
  path: string;
  /** path under the base URL */
  remote: string;
  /** exact size in bytes, when known */
  size: number | null;
  sha256: string | null;
  /** what it is for */
  purpose: string;
}

export const HUBERT_CHECKPOINT: AssetSpec = {
  path: "hubert/hubert_base.pt",
  remote: "hubert_base.pt",
  size: 189_507_909,
  sha256: "f54b40fd2802423a5643779c4861af1e9ee9c1564dc9d32f54f20b5ffba7db96",
  purpose: "ContentVec/HuBERT-base fairseq checkpoint (converted to ONNX after download)",
};

export const RMVPE_ONNX: AssetSpec = {
  path: "rmvpe/rmvpe.onnx",
  remote: "rmvpe.onnx",
  size: null, // ≈362 MB; exact bytes unconfirmed
  sha256: "5370e71ac80af8b4b7c793d27efd51fd8bf962de3a7ede0766dac0befa3660fd",
  purpose: "RMVPE pitch model",
};

export type SampleRateTag = "32k" | "40k" | "48k";
export const SAMPLE_RATE_TAGS: readonly SampleRateTag[] = ["32k", "40k", "48k"];

/** Pretrained v2 generator/discriminator with f0 (rvc-formats §10 naming rule). */
export function pretrainedV2(rate: SampleRateTag, f0 = true): AssetSpec[] {
  const prefix = f0 ? "f0" : "";
  return (["G", "D"] as const).map((kind) => ({
    path: `pretrained_v2/${prefix}${kind}${rate}.pth`,
    remote: `pretrained_v2/${prefix}${kind}${rate}.pth`,
    size: null,
    sha256: null,
    purpose: `pretrained v2 ${kind === "G" ? "generator" : "discriminator"}${f0 ? " with f0" : ""}, ${rate}`,
  }));
}

/** The default set: the content checkpoint, RMVPE, and the f0 v2 G/D for the given rates. */
export function defaultAssets(rates: readonly SampleRateTag[] = SAMPLE_RATE_TAGS): AssetSpec[] {
  return [HUBERT_CHECKPOINT, RMVPE_ONNX, ...rates.flatMap((r) => pretrainedV2(r))];
}

/** UVR's public model release (MDX-Net ONNX files). */
export const UVR_MODELS_BASE_URL = "https://github.com/TRvlvr/model_repo/releases/download/all_public_uvr_models/";

export interface SeparationAsset extends AssetSpec {
  /** the model's UVR hash (md5 of its last 10 000 KiB: worker/separate/params.ts), a second check after download */
  uvrHash: string;
}

/**
 * The vocal separation models `npm run assets -- --separation NAME` can fetch (default UVR-MDX-NET-Voc_FT, which
 * SEPARATION_MODEL_PATH names by default). Kim_Vocal_2's sha256 is not published where we could confirm it: it is
 * checked by its UVR hash instead (and its sha256 printed).
 */
export const SEPARATION_MODELS: Record<string, SeparationAsset> = {
  "UVR-MDX-NET-Voc_FT": {
    path: "separation/UVR-MDX-NET-Voc_FT.onnx",
    remote: "UVR-MDX-NET-Voc_FT.onnx",
    size: null,
    sha256: "534b2070fcc7df514b13ef660dc8cbb328679c2374d04354a5c42bb14ecce111",
    uvrHash: "77d07b2667ddf05b9e3175941b4454a0",
    purpose: "MDX-Net vocal separation model (UVR-MDX-NET-Voc_FT)",
  },
  Kim_Vocal_2: {
    path: "separation/Kim_Vocal_2.onnx",
    remote: "Kim_Vocal_2.onnx",
    size: null,
    sha256: null,
    uvrHash: "970b3f9492014d18fefeedfe4773cb42",
    purpose: "MDX-Net vocal separation model (Kim_Vocal_2)",
  },
};
