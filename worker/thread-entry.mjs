// Body of a worker-pool thread: load the task module once, then run each input it is sent.
// Plain JS so that it starts in any Node; it registers tsx itself so TypeScript task modules load
// whether or not the parent was started with `--import tsx` (vitest, for one, is not).
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();

const mod = await import(pathToFileURL(workerData.modulePath).href);
parentPort.on("message", async (input) => {
  try {
    parentPort.postMessage({ ok: true, output: await mod.run(input) });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
