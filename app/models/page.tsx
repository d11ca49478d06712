import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { ImportModelForm } from "@/components/ImportModelForm";
import { listModels } from "@/lib/models";
import { formatBytes, formatDateTime, formatDuration } from "@/lib/format";
import { DataTable, EmptyState, linkClass, PageHeader } from "@/components/ui";

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const me = await pageUser();
  const models = await listModels();
  return (
    <div className="space-y-6">
      <PageHeader title="Models" description="Trained and imported voice models: convert with them or download their files." />
      {me.role !== "viewer" && <ImportModelForm />}
      {models.length === 0 ? (
        <EmptyState>No models yet. Train one from an experiment, or import a .pth above.</EmptyState>
      ) : (
        <DataTable
          label="Models"
          rows={models}
          rowKey={(m) => m.id}
          columns={[
            {
              key: "name",
              header: "Name",
              primary: true,
              sort: (m) => m.name,
              cell: (m) => (
                <Link className={linkClass} href={`/models/${m.id}`}>
                  {m.name}
                </Link>
              ),
            },
            { key: "rate", header: "Rate", sort: (m) => m.sampleRate, cell: (m) => `${m.sampleRate / 1000}k` },
            { key: "version", header: "Version", cell: (m) => m.version },
            { key: "pitch", header: "Pitch", cell: (m) => (m.f0 ? "yes" : "no") },
            { key: "epochs", header: "Epochs", sort: (m) => m.epochs, cell: (m) => m.epochs ?? "—" },
            { key: "dataset", header: "Dataset", sort: (m) => m.datasetSeconds, cell: (m) => formatDuration(m.datasetSeconds) },
            { key: "size", header: "Size", sort: (m) => Number(m.sizeBytes), cell: (m) => formatBytes(m.sizeBytes) },
            {
              key: "created",
              header: "Created",
              sort: (m) => m.createdAt.getTime(),
              cell: (m) => <span className="whitespace-nowrap">{formatDateTime(m.createdAt)}</span>,
            },
          ]}
        />
      )}
    </div>
  );
}
