"use client";
import { PipelinePanel, type StageJob } from "./PipelinePanel";
import { TrainPanel } from "./TrainPanel";
import { useJobEvents } from "./useJobEvents";

/** The live part of the experiment page: one event stream feeds the pipeline stepper and the training view. */
export function ExperimentWorkspace(props: { experiment: string; jobs: StageJob[]; fileCount: number; modelCount: number; hasIndex: boolean }) {
  const { jobs: live } = useJobEvents(`/api/experiments/${props.experiment}/events`);
  const trainJob = props.jobs.find((j) => j.kind === "train");
  return (
    <>
      <PipelinePanel {...props} live={live} />
      <TrainPanel experiment={props.experiment} trainJobId={trainJob?.id ?? null} live={trainJob ? live[trainJob.id] : undefined} hasModel={props.modelCount > 0} />
    </>
  );
}
