/** Queueing worker self-tests (`POST /api/system/selftest`), at most MAX_ACTIVE_SELFTESTS queued or running at once. */
import { db, type Db } from "./db";
import { ApiError } from "./errors";
import { ACTIVE_JOB_STATUSES } from "./experiments";
import { enqueueJob } from "./jobs";

/** A self-test only proves a worker works; more than a few at once is load, not a check. */
export const MAX_ACTIVE_SELFTESTS = 3;

// count-then-queue runs one at a time in this process (the web server is one process), so parallel requests cannot both pass
const g = globalThis as unknown as { __vsSelftestChain?: Promise<unknown> };

export async function queueSelftest(params: { seconds: number; steps: number }, prisma: Db = db()) {
  const run = (g.__vsSelftestChain ?? Promise.resolve()).catch(() => {}).then(async () => {
    const active = await prisma.job.count({ where: { kind: "selftest", status: { in: [...ACTIVE_JOB_STATUSES] } } });
    if (active >= MAX_ACTIVE_SELFTESTS) {
      throw new ApiError(
        429,
        "too_many_selftests",
        `${active} self-tests are already queued or running (at most ${MAX_ACTIVE_SELFTESTS}); wait for one to finish or cancel one`,
        { active, limit: MAX_ACTIVE_SELFTESTS },
        { "retry-after": "10" },
      );
    }
    return enqueueJob({ kind: "selftest", params }, prisma);
  });
  g.__vsSelftestChain = run;
  return run;
}
