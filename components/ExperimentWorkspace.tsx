"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { PipelinePanel, type StageJob, type StageStates } from "./PipelinePanel";
import { TrainPanel } from "./TrainPanel";
import { useJobEvents } from "./useJobEvents";

/** The live part of the experiment page: one event stream feeds the pipeline stepper and the training view. */
export function ExperimentWorkspace({
  trainBlocked,
  ...props
}: {
  experiment: string;
  jobs: StageJob[];
  fileCount: number;
  modelCount: number;
  hasIndex: boolean;
  readOnly?: boolean;
  /** stages a settings change made out of date (lib/stage-settings.ts) */
  stages?: StageStates;
  /** why Train cannot start now (no audio, an out-of-date stage), shown under a disabled button */
  trainBlocked?: string;
}) {
  const router = useRouter();
  const { jobs: live } = useJobEvents(`/api/experiments/${props.experiment}/events`);
  // A job the page does not know yet (the next stage of a pipeline, or one started elsewhere): re-read the page.
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const known = new Set(props.jobs.map((j) => j.id));
    const fresh = Object.keys(live).filter((id) => !known.has(id) && !asked.current.has(id));
    if (fresh.length) {
      for (const id of fresh) asked.current.add(id);
      router.refresh();
    }
  }, [live, props.jobs, router]);
  const trainJob = props.jobs.find((j) => j.kind === "train");
  return (
    <>
      <PipelinePanel {...props} live={live} />
      <TrainPanel experiment={props.experiment} trainJobId={trainJob?.id ?? null} live={trainJob ? live[trainJob.id] : undefined} hasModel={props.modelCount > 0} readOnly={props.readOnly} blocked={trainBlocked} />
    </>
  );
}
