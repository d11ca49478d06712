import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { CreateExperimentForm } from "@/components/CreateExperimentForm";
import { listExperiments } from "@/lib/experiments";
import { formatDuration, formatRate } from "@/lib/format";
import { ScrollTable } from "@/components/ui";
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
      <h1 className="text-2xl font-semibold">Experiments</h1>
      <SetupCallout items={setup} />
      {me.role !== "viewer" && <CreateExperimentForm />}
      {experiments.length === 0 ? (
        <p className="text-sm text-zinc-500">No experiments yet. Create one, then upload recordings of the voice.</p>
      ) : (
        <ScrollTable label="Experiments">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-2">Name</th>
              <th>Rate</th>
              <th>Pitch</th>
              <th>Version</th>
              <th>Files</th>
              <th>Audio</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {experiments.map((e) => (
              <tr key={e.id} className="border-t border-zinc-200 dark:border-zinc-800">
                <td className="py-2">
                  <Link href={`/experiments/${e.name}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                    {e.name}
                  </Link>
                </td>
                <td>{formatRate(e.sampleRate)}</td>
                <td>{e.f0Method}</td>
                <td>{e.version}</td>
                <td>{e.fileCount}</td>
                <td>{formatDuration(e.totalSeconds)}</td>
                <td>{e.status}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
