/** Specs of the job routes (app/api/jobs/**) and the self-test. */
import { z } from "zod";
import { ExperimentName, Job, JobAccepted, JobKind, JobStatus, PathId, SelftestBody } from "./common";
import { header, LAST_EVENT_ID_HEADER, SSE_RESPONSE } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, ok, QUEUE_DOWN } from "./spec";

const JobParams = z.strictObject({ id: PathId.meta({ description: "job id (anything else is a 404)" }) });
const noJob = err("No such job", ["job_not_found"]);

export const listJobs = defineRoute({
  method: "GET",
  path: "/api/jobs",
  operationId: "listJobs",
  access: "viewer",
  tags: ["jobs"],
  summary: "Jobs, newest first (at most 200)",
  query: z.strictObject({
    experiment: ExperimentName.optional().meta({ description: "experiment name" }),
    status: JobStatus.optional(),
    kind: JobKind.optional(),
  }),
  responses: {
    200: ok("The jobs", z.strictObject({ jobs: z.array(Job) })),
    400: err("Unknown status, kind or query parameter, or a bad experiment name", ["invalid_status", "invalid_kind", "invalid_experiment", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getJob = defineRoute({
  method: "GET",
  path: "/api/jobs/{id}",
  operationId: "getJob",
  access: "viewer",
  tags: ["jobs"],
  summary: "One job",
  params: JobParams,
  responses: { 200: ok("The job", Job), 404: noJob, 500: INTERNAL, 503: DB_DOWN },
});

export const cancelJob = defineRoute({
  method: "POST",
  path: "/api/jobs/{id}/cancel",
  operationId: "cancelJob",
  access: "member",
  tags: ["jobs"],
  summary: "Cancel: a queued job at once, a running one as soon as its worker stops it (it saves a checkpoint first)",
  params: JobParams,
  responses: {
    202: ok("Cancelled or cancel requested (`cancelRequested` true)", JobAccepted),
    404: noJob,
    409: err("The job has already ended", ["job_finished"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const streamJobEvents = defineRoute({
  method: "GET",
  path: "/api/jobs/{id}/events",
  operationId: "streamJobEvents",
  access: "viewer",
  tags: ["jobs"],
  summary: "Live events of one job (SSE), honouring Last-Event-ID",
  params: JobParams,
  query: z.strictObject({
    lastEventId: z.string().optional().meta({ description: "the same as the Last-Event-ID header, for clients that cannot set headers (the header wins)" }),
  }),
  parameters: [LAST_EVENT_ID_HEADER],
  responses: { 200: SSE_RESPONSE, 400: err("Bad Last-Event-ID", ["invalid_last_event_id"]), 404: noJob, 500: INTERNAL, 503: DB_DOWN },
});

export const getJobLog = defineRoute({
  method: "GET",
  path: "/api/jobs/{id}/logs",
  operationId: "getJobLog",
  access: "viewer",
  tags: ["jobs"],
  summary: "The whole log as text, one line per log/status event",
  params: JobParams,
  responses: {
    200: {
      description: "The log",
      headers: { "Content-Disposition": header("`inline; filename=\"job-{kind}-{id}.log\"`") },
      content: { "text/plain": { schema: { type: "string" } } },
    },
    404: noJob,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const queueSelftest = defineRoute({
  method: "POST",
  path: "/api/system/selftest",
  operationId: "queueSelftest",
  access: "admin",
  tags: ["system", "jobs"],
  summary: "Queue a model-free job that exercises a worker, live progress, logs and metrics",
  body: SelftestBody,
  responses: {
    202: ok("Queued", JobAccepted),
    400: err("Bad input", [...BODY_CODES, "invalid_seconds", "invalid_steps", "unknown_field"]),
    429: err("Three self-tests are already queued or running (Retry-After)", ["too_many_selftests"]),
    500: INTERNAL,
    503: QUEUE_DOWN,
  },
});
