/** Training options from a request or a stored job: the zod schema, then the defaults that depend on other fields. */
import type { z } from "zod";
import { TRAIN_DEFAULTS, type TrainOptions } from "../train-options";
import type { CoverMix } from "../cover-params";
import { ConversionFormFields, ConversionParams, CoverFormFields, TrainOptionsBody } from "./common";
import { parsePart } from "./spec";

/** The options a train job runs with: missing ones take TRAIN_DEFAULTS, saveEvery at most the epochs. Pure. */
export function resolveTrainOptions(o: z.output<typeof TrainOptionsBody>): TrainOptions {
  const { moreEpochs, saveEvery, ...rest } = o;
  return { ...rest, saveEvery: saveEvery ?? Math.min(TRAIN_DEFAULTS.saveEvery, o.epochs), ...(moreEpochs ? { moreEpochs } : {}) };
}

/** Validate and resolve training options (a request body or a stored job's params); a bad one is the API's 400. */
export const parseTrainOptions = (value: unknown): TrainOptions => resolveTrainOptions(parsePart(TrainOptionsBody, value, "body"));

/** A conversion's stored settings (the convert job reads them back); a bad one is the API's 400. */
export const parseConversionParams = (value: unknown): ConversionParams => parsePart(ConversionParams, value, "body");

/** The fields of a multipart conversion request (strings); missing settings take upstream's defaults. */
export function parseConversionForm(fields: Record<string, string>): { modelId: string; params: ConversionParams } {
  const { modelId, ...params } = parsePart(ConversionFormFields, fields, "body", { modelId: { missing: "missing_model", "*": "missing_model" } });
  return { modelId, params };
}

/** The fields of a multipart cover request (strings): the conversion's and the mix settings, defaults when missing. */
export function parseCoverForm(fields: Record<string, string>): { modelId: string; params: ConversionParams; cover: CoverMix } {
  const { modelId, vocalsGain, accompanimentGain, accompanimentPitch, ...params } = parsePart(CoverFormFields, fields, "body", {
    modelId: { missing: "missing_model", "*": "missing_model" },
  });
  return { modelId, params, cover: { vocalsGain, accompanimentGain, accompanimentPitch } };
}
