import { pageUser } from "@/lib/auth/page";
import { AutoRefresh } from "@/components/AutoRefresh";
import { SelftestButton } from "@/components/SelftestButton";
import { health } from "@/lib/health";
import { formatAgo, formatBytes } from "@/lib/format";
import { unservedQueuedKinds, type Capabilities } from "@/lib/workers";
import { AdminOnly, Card, DataTable, EmptyState, PageHeader, StatusBadge } from "@/components/ui";

const caps = (w: { capabilities: unknown }) => w.capabilities as Partial<Capabilities>;
import { SetupCallout } from "@/components/SetupCallout";
import { setupProblems } from "@/lib/setup";
import { workerWanted } from "@/lib/queue-position";
import { kindOfQueue } from "@/lib/queue";

export const dynamic = "force-dynamic";

function Ok({ ok }: { ok: boolean }) {
  return <span className={ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}>{ok ? "OK" : "down"}</span>;
}

export default async function SystemPage() {
  const me = await pageUser();
  if (me.role !== "admin") return <AdminOnly what="System" />;
  const { body } = await health();
  const unserved = body.db.ok ? await unservedQueuedKinds().catch(() => []) : [];
  const d = body.disk;
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={5} />
      <PageHeader title="System" description="Health of the database, the queue, the disk and the workers. This page refreshes itself." />
      {body.status !== "ok" && (
        <div
          role="alert"
          data-testid="health-status"
          className={`rounded-lg border p-3 text-sm ${body.status === "down" ? "border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"}`}
        >
          <strong>{body.status === "down" ? "Down" : "Degraded"}:</strong> {body.problems.join("; ")}
          {body.disks.some((x) => x.low) && <> — uploads and jobs are refused with “disk full” when they would not fit; free space on that disk.</>}
        </div>
      )}
      <SetupCallout items={setupProblems({ assets: body.assets.detail, workers: body.db.ok ? body.workers : null })} />
      <SelftestButton />
      <section className="grid gap-3 sm:grid-cols-3" aria-label="Services">
        <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <div className="text-sm text-zinc-600 dark:text-zinc-400">Database</div>
          <div className="text-lg" data-testid="db-status">
            <Ok ok={body.db.ok} />
          </div>
          {"error" in body.db && body.db.error && <p className="text-xs text-red-700 dark:text-red-400">{body.db.error}</p>}
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <div className="text-sm text-zinc-600 dark:text-zinc-400">Job queue (pg-boss)</div>
          <div className="text-lg">
            <Ok ok={body.queue.ok} />
          </div>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <div className="text-sm text-zinc-600 dark:text-zinc-400">Free disk (DATA_ROOT)</div>
          <div className="text-lg" data-testid="disk-free">
            <span className={d.low ? "text-red-700 dark:text-red-400" : undefined}>{formatBytes(d.free)}</span> of {formatBytes(d.total)}
            {d.low && <span className="ml-2 text-sm text-red-700 dark:text-red-400">low (under {formatBytes(body.minFreeBytes)})</span>}
          </div>
          <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{d.path}</p>
          {body.disks.length > 1 && (
            <ul className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
              {body.disks
                .filter((x) => !x.dirs.includes("DATA_ROOT"))
                .map((x) => (
                  <li key={x.path} className={x.low ? "text-red-700 dark:text-red-400" : undefined}>
                    {x.dirs.join(", ")}: {formatBytes(x.free)} free of {formatBytes(x.total)}
                  </li>
                ))}
            </ul>
          )}
        </div>
      </section>

      <Card label="Workers" title={`Workers (${body.workers.length} live)`}>
        {unserved.length > 0 && (
          <p role="status" data-testid="unserved-jobs" className="mb-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
            {unserved
              .map((u) => `${u.queued} ${u.kind} job${u.queued === 1 ? "" : "s"}${u.gpu ? ` that need${u.queued === 1 ? "s" : ""} a GPU` : ""} waiting for ${workerWanted(u)}`)
              .join("; ")}
            : no live worker takes them. Start a worker that can (see “Takes” below; <code>WORKER_JOBS</code> narrows what a worker takes,{" "}
            <code>WORKER_GPUS</code> gives it GPU slots).
          </p>
        )}
        {body.workers.length === 0 ? (
          <EmptyState>No live worker. Jobs wait in the queue until one starts (`npm start` runs one).</EmptyState>
        ) : (
          <DataTable
            label="Workers"
            rows={body.workers}
            rowKey={(w) => w.id}
            rowProps={() => ({ "data-testid": "worker-row" })}
            columns={[
              { key: "host", header: "Host / pid", primary: true, cell: (w) => `${w.host} / ${w.pid}` },
              { key: "seen", header: "Seen", cell: (w) => formatAgo(w.lastSeenAt) },
              { key: "state", header: "State", cell: (w) => <StatusBadge status={w.busy ? "busy" : "idle"} /> },
              {
                key: "takes",
                header: "Takes",
                testId: "worker-takes",
                cell: (w) => (
                  <span className="block text-xs sm:max-w-[12rem]">
                    {caps(w).serves?.join(", ") ?? "every kind"}
                    {/* jobs that demand a GPU: only a worker with GPU slots polls their queues */}
                    {caps(w).queues?.some((q) => kindOfQueue(q)?.gpu) ? ` (and their GPU jobs: slots ${caps(w).gpuSlots?.join(", ")})` : ""}
                  </span>
                ),
              },
              { key: "onnx", header: "ONNX providers", cell: (w) => caps(w).onnxruntime?.executionProviders.join(", ") || "—" },
              { key: "cuda", header: "CUDA", cell: (w) => (caps(w).cuda?.visible ? caps(w).cuda!.gpus.map((g) => g.name).join(", ") || "yes" : "no") },
              {
                key: "python",
                header: "Python / torch",
                cell: (w) => {
                  const c = caps(w);
                  return (
                    <>
                      {c.python?.version ? `Python ${c.python.version}` : "no Python"}
                      {" · "}
                      {c.python?.torch ? `torch ${c.python.torch}${c.python.torchCuda ? " (CUDA)" : ""}` : "no torch"}
                      <span className="block text-xs text-zinc-600 dark:text-zinc-400" data-testid="python-executable">
                        {c.python?.executable}
                        {c.python?.source === "auto" ? " (chosen automatically" : c.python?.source === "PYTHON" ? " (from PYTHON" : ""}
                        {c.python?.source && c.python.passedOver?.length ? `; ${c.python.passedOver.map((p) => `${p.executable}: ${p.reason}`).join(", ")}` : ""}
                        {c.python?.source ? ")" : ""}
                      </span>
                    </>
                  );
                },
              },
            ]}
          />
        )}
      </Card>

      <Card label="Assets" title="Model assets">
        <ul className="space-y-2 text-sm">
          {[
            { id: "hubert", label: "Content model (HuBERT/ContentVec ONNX)", present: body.assets.hubert, path: body.assets.detail.hubert.path },
            { id: "rmvpe", label: "RMVPE pitch model", present: body.assets.rmvpe, path: body.assets.detail.rmvpe.path },
            {
              id: "separation",
              label: "Vocal separation model (MDX-Net, for “isolate vocals”; SEPARATION_MODEL_PATH)",
              present: body.assets.separation,
              path: body.assets.detail.separation.path,
            },
          ].map((a) => (
            <li key={a.id} data-testid={`asset-${a.id}`}>
              {a.label}: {a.present ? "present" : <span className="text-red-700 dark:text-red-400">missing (fix: npm run assets)</span>}{" "}
              <code className="block text-xs text-zinc-600 [overflow-wrap:anywhere] dark:text-zinc-400">{a.path}</code>
            </li>
          ))}
          <li data-testid="asset-pretrained">
            Pretrained v2 weights: {body.assets.pretrained.length > 0 ? body.assets.pretrained.join(", ") : <span className="text-red-700 dark:text-red-400">none (fix: npm run assets)</span>}{" "}
            <code className="block text-xs text-zinc-600 [overflow-wrap:anywhere] dark:text-zinc-400">{body.assets.detail.pretrained.dir}</code>
          </li>
        </ul>
      </Card>
    </div>
  );
}
