/** One handler per queue. Later issues replace each placeholder with its pipeline stage folder. */
import type { QueueName } from "../lib/queue";
import { PermanentJobError, type JobHandler } from "./runner";
import { extract } from "./extract/job";
import { preprocess } from "./preprocess";
import { selftest } from "./selftest";
import { train } from "./train";
import { exportOnnx } from "./train/export-job";
import { rebuildIndex } from "./train/index-job";

const notImplemented =
  (kind: QueueName): JobHandler =>
  async ({ log }) => {
    log("warn", `${kind} is not implemented yet in this version of Voice Studio`);
    throw new PermanentJobError(`not implemented yet: the ${kind} stage has not been built`);
  };

export const handlers: Record<QueueName, JobHandler> = {
  preprocess,
  extract,
  train,
  index: rebuildIndex,
  export: exportOnnx,
  convert: notImplemented("convert"),
  selftest,
};
