import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteModelButton } from "@/components/DeleteModelButton";
import { ApiError } from "@/lib/errors";
import { formatBytes, formatDuration } from "@/lib/format";
import { getModel } from "@/lib/models";

export const dynamic = "force-dynamic";

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await pageUser();
  const { id } = await params;
  let m;
  try {
    m = await getModel(id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    throw err;
  }
  const has = (kind: string) => m.files.some((f) => f.kind === kind);
  const link = "rounded border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-600 dark:hover:bg-zinc-800";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{m.name}</h1>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" aria-label="Model card">
        <dt className="text-zinc-500">Sample rate</dt>
        <dd>{m.sampleRate / 1000}k</dd>
        <dt className="text-zinc-500">Version</dt>
        <dd>{m.version}</dd>
        <dt className="text-zinc-500">Pitch</dt>
        <dd>{m.f0 ? "yes" : "no"}</dd>
        <dt className="text-zinc-500">Epochs</dt>
        <dd>{m.epochs ?? "—"}</dd>
        <dt className="text-zinc-500">Dataset</dt>
        <dd>{formatDuration(m.datasetSeconds)}</dd>
        <dt className="text-zinc-500">Experiment</dt>
        <dd>{m.experiment ? <Link className="underline" href={`/experiments/${m.experiment}`}>{m.experiment}</Link> : "—"}</dd>
        <dt className="text-zinc-500">Source</dt>
        <dd>{m.source}</dd>
        <dt className="text-zinc-500">Size</dt>
        <dd>{formatBytes(m.sizeBytes)}</dd>
      </dl>
      <ul className="text-sm">
        {m.files.map((f) => (
          <li key={f.name}>
            {f.name} · {formatBytes(f.bytes)}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Link className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500" href={`/convert?model=${m.id}`}>
          Convert with this model
        </Link>
        {(["pth", "index", "onnx"] as const).filter(has).map((k) => (
          <a key={k} className={link} href={`/api/models/${m.id}/download?file=${k}`} download>
            Download .{k}
          </a>
        ))}
        <a className={link} href={`/api/models/${m.id}/download?file=zip`} download>
          Download all (.zip)
        </a>
        {me.role !== "viewer" && <DeleteModelButton id={m.id} name={m.name} />}
      </div>
    </div>
  );
}
