/** One handler per queue: each pipeline stage lives in its own folder. */
import type { QueueName } from "../lib/queue";
import type { JobHandler } from "./runner";
import { analyze } from "./analyze/job";
import { convert } from "./convert/job";
import { cover } from "./cover/job";
import { extract } from "./extract/job";
import { preprocess } from "./preprocess";
import { separate } from "./separate/job";
import { selftest } from "./selftest";
import { train } from "./train";
import { exportOnnx } from "./train/export-job";
import { rebuildIndex } from "./train/index-job";
import { publishCheckpoint } from "./train/publish-job";

export const handlers: Record<QueueName, JobHandler> = {
  preprocess,
  extract,
  train,
  index: rebuildIndex,
  export: exportOnnx,
  convert,
  selftest,
  publish: publishCheckpoint,
  analyze,
  separate,
  cover,
};
