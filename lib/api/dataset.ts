/** Specs of the dataset doctor's routes (issue 16): one file's analysis, its slices, include/exclude, its waveform. */
import { z } from "zod";
import { AudioFile, ClipAnalysis, ExperimentName, Flag, PathId } from "./common";
import { WAV } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, ok } from "./spec";

const FileParams = z.strictObject({ name: ExperimentName, id: PathId.meta({ description: "file id" }) });
const SliceParams = z.strictObject({ name: ExperimentName, id: PathId.meta({ description: "file id" }), index: PathId.meta({ description: "the slice's index within its file (idx1)" }) });
const badName = err("Bad input; a path name that breaks the experiment name rule is refused the same way", ["invalid_name"]);
const noFile = err("No such file in this experiment, or no such experiment", ["file_not_found", "experiment_not_found"]);

export const DatasetSlice = z
  .strictObject({
    index: z.int().meta({ description: "idx1: the slice's number within its file" }),
    stem: z.string().meta({ description: "`{idx0}_{idx1}`: its name in 0_gt_wavs without `.wav`" }),
    startSec: z.number().nullable().meta({ description: "where it starts in the file, seconds (null: not known)" }),
    durationSec: z.number(),
    analysis: ClipAnalysis.nullable(),
    flags: z.array(Flag),
    excluded: z.boolean().meta({ description: "left out of filelist.txt (PATCH …/slices/{index})" }),
  })
  .meta({ id: "DatasetSlice", description: "One training slice that preprocess made of an upload, as the dataset doctor measured it" });
export type DatasetSlice = z.infer<typeof DatasetSlice>;

export const FileDetail = z
  .strictObject({
    file: AudioFile,
    slices: z.array(DatasetSlice).meta({ description: "in order; empty before preprocess (or while the analyze job has not measured them yet)" }),
  })
  .meta({ id: "FileDetail" });
export type FileDetail = z.infer<typeof FileDetail>;

const EXCLUDE_HELP = "true: leave it out of training (the next training uses the change); false: include it again";
export const ExcludeBody = z.strictObject({ excluded: z.boolean({ error: "must be true or false" }) }).meta({ id: "ExcludeBody", description: EXCLUDE_HELP });

export const FilePatchBody = z
  .strictObject({
    excluded: z.boolean({ error: "must be true or false" }).optional().meta({ description: EXCLUDE_HELP }),
    useVocals: z
      .boolean({ error: "must be true or false" })
      .optional()
      .meta({
        description:
          "false: preprocess uses the uploaded mix again (the stems are kept); true: the vocal stem again (409 `no_stems` before a separation succeeded). The file's preprocess source changes, so the next preprocess redoes it",
      }),
  })
  .refine((p) => Object.keys(p).length > 0, { error: "Nothing to change: send excluded, useVocals or both", params: { code: "empty_patch" } })
  .meta({ id: "FilePatch", minProperties: 1 });

export const Peaks = z
  .strictObject({
    durationSec: z.number(),
    min: z.array(z.number()).meta({ description: "per point, the lowest sample of the mono mix in its span" }),
    max: z.array(z.number()).meta({ description: "per point, the highest" }),
  })
  .meta({ id: "Peaks", description: "A waveform overview: `points` equal spans of the file, each with its lowest and highest sample" });
export type Peaks = z.infer<typeof Peaks>;

export const MAX_PEAK_POINTS = 2000;
const pointsRule = { error: `must be a whole number from 10 to ${MAX_PEAK_POINTS}` };

export const getExperimentFile = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/files/{id}",
  operationId: "getExperimentFile",
  access: "viewer",
  tags: ["experiments", "uploads", "dataset"],
  summary: "One uploaded file with its analysis, flags and slices",
  params: FileParams,
  responses: { 200: ok("The file and its slices", FileDetail), 400: badName, 404: noFile, 500: INTERNAL, 503: DB_DOWN },
});

export const updateExperimentFile = defineRoute({
  method: "PATCH",
  path: "/api/experiments/{name}/files/{id}",
  operationId: "updateExperimentFile",
  access: "member",
  tags: ["experiments", "uploads", "dataset"],
  summary: "Exclude a file from training or include it again; train on its isolated vocals or on its mix",
  description:
    "An excluded file's slices never reach filelist.txt (nor the held-out clips); a training already done is not changed, the next one uses it. " +
    "`useVocals` picks what preprocess reads of a separated file: its vocal stem (true) or the upload (false); the next preprocess redoes the file.",
  params: FileParams,
  body: FilePatchBody,
  bodyRequired: true,
  responses: {
    200: ok("Changed", AudioFile),
    400: err("Bad input", ["invalid_name", ...BODY_CODES, "invalid_excluded", "invalid_useVocals", "empty_patch", "unknown_field"]),
    404: noFile,
    409: err("`useVocals: true` for a file with no vocal stem (`no_stems`: isolate its vocals first), or `useVocals` while its separation is queued or running (`separation_pending`)", [
      "no_stems",
      "separation_pending",
    ]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const updateExperimentSlice = defineRoute({
  method: "PATCH",
  path: "/api/experiments/{name}/files/{id}/slices/{index}",
  operationId: "updateExperimentSlice",
  access: "member",
  tags: ["experiments", "dataset"],
  summary: "Exclude one slice from training, or include it again",
  description: "Slices belong to the last preprocess of the file: re-running preprocess on it (e.g. after a cleaning change) makes new slices without exclusions.",
  params: SliceParams,
  body: ExcludeBody,
  bodyRequired: true,
  responses: {
    200: ok("Changed", DatasetSlice),
    400: err("Bad input", ["invalid_name", ...BODY_CODES, "invalid_excluded", "unknown_field"]),
    404: err("No such slice, file or experiment", ["slice_not_found", "file_not_found", "experiment_not_found"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getExperimentFilePeaks = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/files/{id}/peaks",
  operationId: "getExperimentFilePeaks",
  access: "viewer",
  tags: ["experiments", "dataset"],
  summary: "A waveform overview of the file (computed from the stored audio, streamed)",
  params: FileParams,
  query: z.strictObject({
    points: z.coerce.number(pointsRule).int(pointsRule).min(10, pointsRule).max(MAX_PEAK_POINTS, pointsRule).default(800).meta({ type: "integer" }),
  }),
  responses: {
    200: ok("The peaks", Peaks),
    400: err("Bad input", ["invalid_name", "invalid_points", "unknown_field"]),
    404: err("No such file, or its stored copy is missing", ["file_not_found", "experiment_not_found", "file_missing"]),
    422: err("The stored audio cannot be decoded", ["undecodable"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

/** The query of GET …/files/{id}/audio: the whole stored file, or the first ≤ 10 s as WAV, cleaned or not. */
export const AudioQuery = z.strictObject({
  cleaned: z.enum(["0", "1"], { error: "must be 0 or 1" }).optional().meta({ description: "`1`: the first `seconds` with the experiment's cleaning (or, with cleaning off, the suggested one) as a 16-bit WAV" }),
  seconds: z.coerce
    .number({ error: "must be a number from 1 to 10" })
    .min(1, { error: "must be a number from 1 to 10" })
    .max(10, { error: "must be a number from 1 to 10" })
    .optional()
    .meta({ description: "with it: only the first this many seconds, as a 16-bit WAV (the before of a before/after)" }),
});
export { WAV };
