import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteModelButton } from "@/components/DeleteModelButton";
import { ApiError } from "@/lib/errors";
import { formatBytes, formatDuration } from "@/lib/format";
import { getModel } from "@/lib/models";
import { Card, linkClass, mutedText, PageHeader, primaryButton, secondaryButton } from "@/components/ui";

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
  return (
    <div className="space-y-6">
      <PageHeader
        title={m.name}
        description={m.experiment ? <>Trained in the experiment {m.experiment}.</> : <>Imported model.</>}
        actions={
          <Link className={primaryButton} href={`/convert?model=${m.id}`}>
            Convert with this model
          </Link>
        }
      />
      <Card label="Model card" title="Model card">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" aria-label="Model card">
          {(
            [
              ["Sample rate", `${m.sampleRate / 1000}k`],
              ["Version", m.version],
              ["Pitch", m.f0 ? "yes" : "no"],
              ["Epochs", m.epochs ?? "—"],
              ["Dataset", formatDuration(m.datasetSeconds)],
              [
                "Experiment",
                m.experiment ? (
                  <Link className={linkClass} href={`/experiments/${m.experiment}`}>
                    {m.experiment}
                  </Link>
                ) : (
                  "—"
                ),
              ],
              ["Source", m.source],
              ["Size", formatBytes(m.sizeBytes)],
            ] as const
          ).map(([term, value]) => (
            <div key={term} className="min-w-0">
              <dt className={mutedText}>{term}</dt>
              <dd className="break-words font-medium">{value}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <Card label="Files" title="Files">
        <ul className="space-y-1 text-sm">
          {m.files.map((f) => (
            <li key={f.name} className="break-all">
              <span className="font-mono text-xs">{f.name}</span> <span className={mutedText}>· {formatBytes(f.bytes)}</span>
            </li>
          ))}
        </ul>
        <div className="flex flex-wrap gap-2">
          {(["pth", "index", "onnx"] as const).filter(has).map((k) => (
            <a key={k} className={secondaryButton} href={`/api/models/${m.id}/download?file=${k}`} download>
              Download .{k}
            </a>
          ))}
          <a className={secondaryButton} href={`/api/models/${m.id}/download?file=zip`} download>
            Download all (.zip)
          </a>
          {me.role !== "viewer" && <DeleteModelButton id={m.id} name={m.name} />}
        </div>
      </Card>
    </div>
  );
}
