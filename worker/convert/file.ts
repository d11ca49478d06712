/**
 * One conversion from input file to output WAV, without the database (the job and bench/memory.ts call it).
 * Memory: the input is decoded block by block straight to 16 kHz mono (each channel resampled as a stream; the
 * native-rate audio is never held whole). While segments convert, what stays of the input is its padded,
 * high-passed copy: 4 bytes per 16 kHz sample, 115 MB for 30 minutes (before that, briefly, the decoded input and
 * a float64 work buffer of the high-pass). The output goes to a scratch file segment by segment. Nothing outlives
 * the call: on success, failure or cancel the scratch file is removed and every buffer is local.
 */
import path from "node:path";
import { decodeMono } from "../../lib/audio/decode";
import { convertPrepared, prepareInput, type ConversionModels, type ConvertOptions } from "./convert";
import { ConvertedAudio } from "./output";
import { SR16K } from "./plan";

export interface ConvertFileResult {
  segments: number;
  /** 16 kHz samples of the input */
  inputSamples: number;
  /** samples written at options.sampleRate */
  outputSamples: number;
  /** peak before the int16 conversion */
  peak: number;
}

export async function convertFile(
  inputPath: string,
  outFile: string,
  models: ConversionModels,
  options: ConvertOptions & { onDecoding?: () => void },
): Promise<ConvertFileResult> {
  const output = new ConvertedAudio(options.sampleRate, path.join(path.dirname(outFile), ".output.f32"));
  try {
    options.onDecoding?.();
    // only the padded, high-passed copy outlives this line: the decoded input is dropped once it is made
    const prepared = prepareInput(await decodeMono(inputPath, SR16K, { signal: options.signal }), options);
    const inputSamples = prepared.length;
    const result = await convertPrepared(prepared, models, options, output);
    const written = await output.finish(outFile, result.inputRms, options.params.rmsMixRate);
    return { segments: result.segments, inputSamples, outputSamples: written.samples, peak: written.peak };
  } finally {
    await output.dispose();
  }
}
