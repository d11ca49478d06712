import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExperimentSettingsForm } from "@/components/ExperimentSettingsForm";
import { ExperimentWorkspace } from "@/components/ExperimentWorkspace";
import { DatasetCard } from "@/components/DatasetCard";
import { CheckpointTimeline } from "@/components/CheckpointTimeline";
import { FileList } from "@/components/FileList";
import { UploadPanel } from "@/components/UploadPanel";
import { ApiError } from "@/lib/errors";
import { getExperimentWithStages } from "@/lib/experiments";
import { jobSnapshot } from "@/lib/job-snapshot";
import { staleBlocker } from "@/lib/stage-settings";
import type { ExperimentSettings } from "@/lib/experiment-rules";
import { formatDuration } from "@/lib/format";
import { listFiles } from "@/lib/uploads/files";
import { mayChange } from "@/lib/auth/ownership";
import { Card, linkClass, PageHeader, StatusBadge } from "@/components/ui";
import { db } from "@/lib/db";
import { separationModelProblem, separationOverview } from "@/lib/separation-rules";

export const dynamic = "force-dynamic";

export default async function ExperimentPage({ params }: { params: Promise<{ name: string }> }) {
  const me = await pageUser();
  const { name } = await params;
  let experiment;
  try {
    experiment = await getExperimentWithStages(name);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) notFound();
    throw err;
  }
  const { files, card } = await listFiles(experiment.name);
  // vocal isolation (issue 19): which files are being separated or have stems, and what is missing for it
  const separation = await separationOverview(experiment.id, experiment.name, db());
  const modelMissing = separationModelProblem()?.message ?? null;
  const viewer = me.role === "viewer";
  // rename, settings and delete: its creator or an admin (lib/auth/ownership.ts)
  const owns = !viewer && mayChange({ userId: me.id, role: me.role }, experiment.createdById);
  const totalSeconds = experiment.files.reduce((s, f) => s + (f.durationSec ?? 0), 0);
  const jobs = experiment.jobs.map((j) => ({
    id: j.id,
    kind: j.kind,
    status: j.status,
    error: j.error,
    createdAt: j.createdAt.toISOString(),
  }));
  // the jobs shown in detail (the pipeline's focus: active ones or the newest; the latest training): their recent
  // events in bounded queries, and the live stream starts after the newest event (no replay of the whole history)
  const active = jobs.filter((j) => j.status === "queued" || j.status === "running");
  const detailed = [...active, ...jobs.slice(0, 1), ...jobs.filter((j) => j.kind === "train").slice(0, 1)].map((j) => j.id);
  const snapshot = await jobSnapshot(detailed);
  return (
    <div className="space-y-6">
      <PageHeader
        title={experiment.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
            {experiment.files.length} file(s), {formatDuration(totalSeconds)} of audio · status <StatusBadge status={experiment.status} />
          </span>
        }
      />
      <DatasetCard card={card} />
      {me.role !== "viewer" && <UploadPanel experiment={experiment.name} />}
      <FileList experiment={experiment.name} files={files} readOnly={viewer} separation={{ pending: separation.pending, stemmed: separation.stemmed, modelMissing }} />
      <ExperimentSettingsForm
        key={experiment.updatedAt.toISOString()}
        name={experiment.name}
        readOnly={!owns}
        cleaning={experiment.cleaning}
        isolation={{ on: experiment.isolateVocals, filesToSeparate: separation.todo.length, modelMissing }}
        readOnlyNote={viewer ? undefined : "Only the experiment's creator or an admin can rename it, change its settings or delete it."}
        settings={{
          sampleRate: experiment.sampleRate as ExperimentSettings["sampleRate"],
          f0Method: experiment.f0Method as ExperimentSettings["f0Method"],
          version: experiment.version as ExperimentSettings["version"],
        }}
      />
      <ExperimentWorkspace
        key={experiment.name}
        snapshot={snapshot}
        experiment={experiment.name}
        stages={experiment.stages}
        trainBlocked={
          experiment.files.every((f) => f.status !== "ready")
            ? "Upload audio first: training needs recordings of the voice (Files above)."
            : (() => {
                const b = staleBlocker("train", experiment.stages);
                return b ? `Training is blocked: ${b.message}. Or use "Run whole pipeline".` : undefined;
              })()
        }
        jobs={jobs}
        fileCount={experiment.files.length}
        modelCount={experiment.models.length}
        readOnly={viewer}
        hasIndex={experiment.models.some((m) => Array.isArray(m.files) && (m.files as { kind?: string }[]).some((f) => f.kind === "index"))}
      />
      <CheckpointTimeline experiment={experiment.name} readOnly={viewer} />
      {experiment.models.length > 0 && (
        <Card label="Models" title="Models" className="text-sm">
          <ul className="space-y-1">
            {experiment.models.map((m) => (
              <li key={m.id} data-testid="model-row">
                <Link className={linkClass} href={`/models/${m.id}`}>
                  {m.name}
                </Link>{" "}
                · {m.sampleRate / 1000}k {m.version} · {m.epochs ?? "?"} epochs ·{" "}
                {(m.files as { name: string }[]).map((f) => f.name).join(", ")}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
