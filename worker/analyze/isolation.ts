/**
 * The seam for vocal isolation (dataset doctor, issue 16, out of scope: it needs a source-separation model).
 *
 * A separator takes mono audio and returns the voice alone, the same length and rate. Preprocess
 * (worker/preprocess/file-task.ts) runs the registered one on each chunk before the cleaning, so the RVC layout
 * carries the isolated voice while the uploads stay as they are. Nothing is registered: the chunks are unchanged.
 *
 * To add one: implement `VocalIsolator` (e.g. an ONNX separation model on onnxruntime-node, its weights under
 * ASSETS_ROOT and listed in lib/assets.ts), call `registerVocalIsolator` where the preprocess threads start
 * (file-task.ts runs in worker threads: register it at the top of that module or of one it imports), add a switch to
 * CleaningOptions (lib/dataset/analysis.ts) so that turning it on makes preprocess out of date, and describe it in
 * lib/dataset/cleaning.ts `describeCleaning`.
 */
export interface VocalIsolator {
  /** shown in the preprocess log */
  readonly name: string;
  /** the voice of `mono` at `sampleRate`, the same length */
  isolate(mono: Float32Array, sampleRate: number): Float32Array;
}

let registered: VocalIsolator | null = null;

export function registerVocalIsolator(isolator: VocalIsolator | null): void {
  registered = isolator;
}

export function vocalIsolator(): VocalIsolator | null {
  return registered;
}
