import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { ImportModelForm } from "@/components/ImportModelForm";
import { listModels } from "@/lib/models";
import { formatBytes, formatDateTime, formatDuration } from "@/lib/format";
import { ScrollTable } from "@/components/ui";

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const me = await pageUser();
  const models = await listModels();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Models</h1>
      {me.role !== "viewer" && <ImportModelForm />}
      {models.length === 0 ? (
        <p className="text-sm text-zinc-500">No models yet. Train one from an experiment.</p>
      ) : (
        <ScrollTable label="Models">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1">Name</th>
              <th>Rate</th>
              <th>Version</th>
              <th>Pitch</th>
              <th>Epochs</th>
              <th>Dataset</th>
              <th>Size</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id} className="border-t border-zinc-200 dark:border-zinc-800">
                <td className="py-1">
                  <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href={`/models/${m.id}`}>
                    {m.name}
                  </Link>
                </td>
                <td>{m.sampleRate / 1000}k</td>
                <td>{m.version}</td>
                <td>{m.f0 ? "yes" : "no"}</td>
                <td>{m.epochs ?? "—"}</td>
                <td>{formatDuration(m.datasetSeconds)}</td>
                <td>{formatBytes(m.sizeBytes)}</td>
                <td>{formatDateTime(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
