/**
 * Every documented route spec, for the OpenAPI assembly (lib/openapi.ts) and the tests that walk the specs. The
 * route files under app/api import their spec from these modules and pass it to `route(spec, handler)`; the
 * OpenAPI test checks that the two agree (every route file's handler carries a spec listed here, and back).
 */
import * as auth from "./auth";
import * as checkpoints from "./checkpoints";
import * as batches from "./batches";
import * as conversions from "./conversions";
import * as dataset from "./dataset";
import * as experiments from "./experiments";
import * as jobs from "./jobs";
import * as listeningTests from "./listening-tests";
import * as models from "./models";
import * as separation from "./separation";
import * as system from "./system";
import * as training from "./training";
import * as webhooks from "./webhooks";
import type { RouteSpec } from "./spec";

export * from "./common";
export { DatasetSlice, FileDetail, Peaks } from "./dataset";
export type { RouteSpec, ResponseDoc, ResponseSpec, HttpMethod } from "./spec";

const isSpec = (v: unknown): v is RouteSpec & { method: string; path: string } =>
  typeof v === "object" && v !== null && "access" in v && "responses" in v && "method" in v && "path" in v;

/** The documented operations, in the order of their modules. */
export const ROUTE_SPECS: (RouteSpec & { method: string; path: string })[] = [system, auth, experiments, dataset, checkpoints, separation, listeningTests, training, jobs, models, conversions, batches, webhooks].flatMap((m) =>
  Object.values(m).filter(isSpec),
);
