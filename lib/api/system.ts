/** Specs of the system routes: health, this document; and the shapes of the health report. */
import { z } from "zod";
import { JobKind as JobKinds } from "../generated/prisma/enums";
import { Timestamp } from "./common";
import { defineRoute, INTERNAL, ok } from "./spec";

const HealthLevel = z.enum(["ok", "degraded", "down"]);
const AssetFile = z.strictObject({ path: z.string(), present: z.boolean(), bytes: z.int().optional() });
const DiskSpace = {
  path: z.string(),
  free: z.int().nullable(),
  total: z.int().nullable(),
  low: z.boolean(),
  error: z.string().optional(),
};

export const Worker = z
  .strictObject({
    id: z.string(),
    host: z.string(),
    pid: z.int(),
    lastSeenAt: Timestamp,
    startedAt: Timestamp,
    busy: z.boolean(),
    currentJobId: z.string().nullable(),
    capabilities: z.record(z.string(), z.unknown()).meta({
      description:
        "what the worker probed at start: node, platform, cpus, memoryBytes, onnxruntime {version, executionProviders, available}, cuda {visible, gpus}, python {executable, version, torch, torchCuda}; and what it takes: serves (job kinds), gpuSlots (device ids), queues (the pg-boss queues it polls: its kinds' and, with GPU slots, their GPU queues such as train-gpu)",
    }),
  })
  .meta({ id: "Worker" });

export const HealthStatus = z.strictObject({ status: HealthLevel }).meta({ id: "HealthStatus", description: "what anyone may see: up, short of disk space, or down" });
export const Health = z
  .strictObject({
    ok: z.boolean().meta({ description: "database and queue are both up" }),
    db: z.strictObject({ ok: z.boolean(), error: z.string().optional() }),
    queue: z.strictObject({
      ok: z.boolean(),
      schemaVersion: z.int().nullable().optional().meta({ description: "pg-boss schema version" }),
      queues: z.partialRecord(z.enum(Object.values(JobKinds)), z.record(z.string(), z.int())).optional().meta({ description: "per job kind (its GPU queue, e.g. `train-gpu`, included): job counts by pg-boss state" }),
      error: z.string().optional(),
    }),
    workers: z.array(Worker).meta({ description: "live workers (heartbeat within WORKER_STALE_SECONDS)" }),
    assets: z.strictObject({
      hubert: z.boolean(),
      rmvpe: z.boolean(),
      separation: z.boolean().meta({ description: "the vocal separation model (SEPARATION_MODEL_PATH) is present: \"isolate vocals\" can run" }),
      pretrained: z.array(z.string()).meta({ description: "names of the bundled pretrained files that are present" }),
      detail: z.strictObject({
        root: z.string(),
        hubert: AssetFile,
        rmvpe: AssetFile,
        separation: AssetFile.meta({ description: "the MDX-Net vocal separation model (SEPARATION_MODEL_PATH; `npm run assets` fetches UVR-MDX-NET-Voc_FT)" }),
        pretrained: z.strictObject({ dir: z.string(), files: z.array(z.strictObject({ name: z.string(), path: z.string(), present: z.boolean(), bytes: z.int().optional() })) }),
      }),
    }),
    status: HealthLevel.meta({ description: "down: database or queue down (503 when the database is); degraded: a data disk has less than MIN_FREE_BYTES free (still 200)" }),
    problems: z.array(z.string()).meta({ description: "what makes the status degraded or down, one line each" }),
    disk: z.strictObject(DiskSpace).meta({ description: "space under DATA_ROOT" }),
    disks: z
      .array(z.strictObject({ dirs: z.array(z.string()).meta({ description: "the variables whose folders are on this filesystem" }), ...DiskSpace }))
      .meta({ description: "each filesystem the app writes to once" }),
    minFreeBytes: z.int().meta({ description: "MIN_FREE_BYTES" }),
    time: Timestamp,
  })
  .meta({ id: "Health" });
export type Health = z.infer<typeof Health>;

export const getHealth = defineRoute({
  method: "GET",
  path: "/api/health",
  operationId: "getHealth",
  access: "public",
  tags: ["system"],
  summary: "Up or not; for admins also database, queue, live workers, assets, disk",
  description: "Never needs authentication: anyone gets `{status}`; an admin gets the whole report.",
  responses: {
    200: ok("Healthy enough to answer (see `ok`)", z.union([HealthStatus, Health])),
    503: ok("The database is down (same shape, `db.ok` false)", z.union([HealthStatus, Health])),
    500: INTERNAL,
  },
});

export const getOpenApi = defineRoute({
  method: "GET",
  path: "/api/openapi.json",
  operationId: "getOpenApi",
  access: "viewer",
  tags: ["system"],
  summary: "This document",
  responses: {
    200: ok(
      "The OpenAPI 3.1 description of the API",
      z.looseObject({ openapi: z.string().regex(/^3\.1\./), info: z.record(z.string(), z.unknown()), paths: z.record(z.string(), z.unknown()) }),
    ),
    500: INTERNAL,
  },
});
