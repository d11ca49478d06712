/** Specs of the vocal isolation routes (app/api/experiments/[name]/files/[id]/separate, …/stems/[stem]), issue 19. */
import { z } from "zod";
import { EmptyBody, ExperimentName, Job, JobAccepted, PathId } from "./common";
import { FILE_HEADERS, partialContent, RANGE_HEADER, RANGE_NOT_SATISFIABLE, WAV } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, ok } from "./spec";

const FileParams = z.strictObject({ name: ExperimentName.meta({ description: "experiment name" }), id: PathId.meta({ description: "file id" }) });
const StemParams = z.strictObject({
  name: ExperimentName.meta({ description: "experiment name" }),
  id: PathId.meta({ description: "file id" }),
  stem: z.enum(["vocals", "accompaniment"], { error: "must be vocals or accompaniment" }).meta({ description: "which stem" }),
});

export const separateFile = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/files/{id}/separate",
  operationId: "separateFile",
  access: "member",
  tags: ["experiments", "uploads", "jobs"],
  summary:
    "Queue the separate job: isolate the vocals of one uploaded file with the MDX-Net model (SEPARATION_MODEL_PATH). The stems are kept beside the upload (never changed); on success the file's `useVocals` is set and preprocess uses its vocal stem",
  params: FileParams,
  body: EmptyBody,
  responses: {
    202: ok("Queued; progress per chunk over the job's events", JobAccepted),
    400: err("Bad experiment name or body", ["invalid_name", ...BODY_CODES, "unknown_field"]),
    404: err("No experiment or no such file in it", ["experiment_not_found", "file_not_found"]),
    409: err("A separate job for this file is already queued or running (`details.job`), or the file was rejected", ["job_active", "file_not_ready"]),
    500: INTERNAL,
    503: err("The separation model file is missing (`details.path`; fix: `npm run assets`), or the database or queue is down", ["separation_model_missing", "database_unavailable", "queue_unavailable"]),
  },
});

export const separateExperimentFiles = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/separate",
  operationId: "separateExperimentFiles",
  access: "member",
  tags: ["experiments", "uploads", "jobs"],
  summary:
    "\"Isolate vocals in N files\": queue the separate job for every ready file of the experiment not separated yet (no vocal stem, none queued); the experiment's creator or an admin. With the experiment's `isolateVocals` on, new uploads are queued by themselves; this takes the files uploaded before",
  params: z.strictObject({ name: ExperimentName.meta({ description: "experiment name" }) }),
  body: EmptyBody,
  responses: {
    202: ok("The jobs queued, one per file (empty when every file is separated or queued already)", z.strictObject({ jobs: z.array(Job) })),
    400: err("Bad experiment name or body", ["invalid_name", ...BODY_CODES, "unknown_field"]),
    404: err("No experiment", ["experiment_not_found"]),
    500: INTERNAL,
    503: err("The separation model file is missing (`details.path`; fix: `npm run assets`), or the database or queue is down", ["separation_model_missing", "database_unavailable", "queue_unavailable"]),
  },
});

export const getFileStem = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/files/{id}/stems/{stem}",
  operationId: "getFileStem",
  access: "viewer",
  tags: ["experiments", "uploads"],
  summary: "A separated stem of an uploaded file (wav, float32 stereo 44.1 kHz; one byte range supported)",
  params: StemParams,
  parameters: [RANGE_HEADER],
  responses: {
    200: { description: "The wav", headers: FILE_HEADERS, content: WAV },
    206: partialContent(WAV),
    400: err("Bad experiment name or stem", ["invalid_name", "invalid_stem"]),
    404: err("No such file, or it has not been separated", ["experiment_not_found", "file_not_found", "stem_not_found"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});
