import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { CreateExperimentForm } from "@/components/CreateExperimentForm";
import { listExperiments } from "@/lib/experiments";
import { formatDuration, formatRate } from "@/lib/format";
import { DataTable, EmptyState, linkClass, PageHeader, StatusBadge } from "@/components/ui";
import { SetupCallout } from "@/components/SetupCallout";
import { assetStatus } from "@/lib/assets";
import { setupProblems } from "@/lib/setup";
import { liveWorkers } from "@/lib/workers";

export const dynamic = "force-dynamic";

export default async function ExperimentsPage() {
  const me = await pageUser();
  const [experiments, workers] = await Promise.all([listExperiments(), liveWorkers()]);
  const setup = setupProblems({ assets: assetStatus(), workers });
  return (
    <div className="space-y-6">
<PageHeader title="Experiments" description="One experiment per voice: upload its recordings, prepare them, train a model." />
      <SetupCallout items={setup} />
      {me.role !== "viewer" && <CreateExperimentForm />}
      {experiments.length === 0 ? (
        <EmptyState>No experiments yet. Create one, then upload recordings of the voice.</EmptyState>
      ) : (
        <DataTable
          label="Experiments"
          rows={experiments}
          rowKey={(e) => e.id}
          columns={[
            {
              key: "name",
              header: "Name",
              primary: true,
              sort: (e) => e.name,
              cell: (e) => (
                <Link href={`/experiments/${e.name}`} className={linkClass}>
                  {e.name}
                </Link>
              ),
            },
            { key: "rate", header: "Rate", sort: (e) => e.sampleRate, cell: (e) => formatRate(e.sampleRate) },
            { key: "pitch", header: "Pitch", cell: (e) => e.f0Method },
            { key: "version", header: "Version", cell: (e) => e.version },
            { key: "files", header: "Files", sort: (e) => e.fileCount, cell: (e) => e.fileCount },
            { key: "audio", header: "Audio", sort: (e) => e.totalSeconds, cell: (e) => formatDuration(e.totalSeconds) },
            { key: "status", header: "Status", sort: (e) => e.status, cell: (e) => <StatusBadge status={e.status} /> },
          ]}
        />
      )}
    </div>
  );
}
