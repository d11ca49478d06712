"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { PipelinePanel, type StageJob, type StageStates } from "./PipelinePanel";
import { TrainPanel } from "./TrainPanel";
import { useJobEvents, type StreamEvent } from "./useJobEvents";

/** The live part of the experiment page: one event stream feeds the pipeline stepper and the training view. */
export function ExperimentWorkspace({
  trainBlocked,
  snapshot,
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
  /** the jobs' recent past (lib/job-snapshot.ts): the stream starts after `lastEventId` instead of replaying everything */
  snapshot: { lastEventId: string; events: StreamEvent[] };
}) {
  const router = useRouter();
  // the first snapshot only: a refresh of the page (new props) keeps the open stream, which has everything since
  const [first] = useState(snapshot);
  const { jobs: live } = useJobEvents(`/api/experiments/${encodeURIComponent(props.experiment)}/events?lastEventId=${first.lastEventId}`, first.events);
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
