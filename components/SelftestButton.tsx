"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type JobAccepted } from "./api-client";

/** Queues a worker self-test and opens its live job page. */
export function SelftestButton() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setError(null);
    try {
      const { job } = await callApi<JobAccepted>("/api/system/selftest", {
        method: "POST",
        body: JSON.stringify({ seconds: 10, steps: 100 }),
      });
      router.push(`/jobs/${job.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <div className="flex items-center gap-3">
      <button onClick={run} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
        Run worker self-test
      </button>
      <span className="text-xs text-zinc-600 dark:text-zinc-400">a 10 s job that checks the queue, live progress, logs and cancel</span>
      {error && <span role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</span>}
    </div>
  );
}
