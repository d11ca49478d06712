"use client";
import { useEffect, useRef, useState } from "react";

export interface StreamEvent {
  id: string;
  jobId: string;
  kind: "status" | "progress" | "log" | "metric";
  level: string | null;
  message: string | null;
  data: Record<string, any> | null;
  at: string;
}

export interface LiveJob {
  status?: string;
  progress?: { done: number; total: number; percent: number; etaSeconds: number | null; rate: number | null; stage: string | null; unit: string | null };
  error?: string;
  interrupted?: boolean;
  logs: StreamEvent[];
  metrics: StreamEvent[];
  /** every stage named by the job's events, in the order first seen (a cover: separating, converting, mixing) */
  stages?: StageState[];
}

export interface StageState {
  name: string;
  /** the stage's last reported percent */
  percent: number;
  /** an event said the stage was skipped because its result was already there (`data.cached: true`) */
  cached: boolean;
}

export type LiveJobs = Record<string, LiveJob>;

const MAX_LOGS = 2000;
/** statuses after which a job's stream says nothing more ("failed" is not one: an attempt's failure may be retried) */
const ENDED: unknown[] = ["succeeded", "cancelled"];
const NO_EVENTS: StreamEvent[] = [];

/** Fold an event that names a stage (`data.stage`) into the list of stages. Pure. */
function foldStage(stages: StageState[] | undefined, ev: StreamEvent): StageState[] | undefined {
  const name = ev.data?.stage;
  if (typeof name !== "string" || name === "") return stages;
  const list = stages ?? [];
  const prev = list.find((s) => s.name === name);
  const percent = ev.kind === "progress" && typeof ev.data?.percent === "number" ? ev.data.percent : (prev?.percent ?? 0);
  const next: StageState = { name, percent, cached: (prev?.cached ?? false) || ev.data?.cached === true };
  return prev ? list.map((s) => (s === prev ? next : s)) : [...list, next];
}

/** Fold one event into the per-job live state. Pure. */
export function applyEvent(state: LiveJobs, ev: StreamEvent): LiveJobs {
  const prev = state[ev.jobId] ?? { logs: [], metrics: [] };
  const next: LiveJob = { ...prev };
  const stages = foldStage(prev.stages, ev);
  if (stages) next.stages = stages;
  if (ev.kind === "status") {
    next.status = ev.data?.status ?? prev.status;
    if (ev.data?.interrupted) next.interrupted = true;
    if (ev.data?.resumed) next.interrupted = true;
    next.error = next.status === "failed" ? (ev.message ?? undefined) : undefined;
    next.logs = [...prev.logs, ev].slice(-MAX_LOGS);
  } else if (ev.kind === "progress") {
    next.progress = ev.data as LiveJob["progress"];
  } else if (ev.kind === "log") {
    next.logs = [...prev.logs, ev].slice(-MAX_LOGS);
  } else if (ev.kind === "metric") {
    next.metrics = [...prev.metrics, ev];
  }
  return { ...state, [ev.jobId]: next };
}

/**
 * Live state of the jobs behind an SSE URL (one job, or every job of an experiment). EventSource
 * reconnects by itself and sends Last-Event-ID, so the server replays exactly what was missed.
 * `seed`: past events the page already has (lib/job-snapshot.ts), folded in first; the URL then starts the stream
 * after them (`?lastEventId=`), so a reload does not replay the whole history.
 */
export function useJobEvents(
  url: string | null,
  seed: StreamEvent[] = NO_EVENTS,
  opts: { closeOnEnd?: boolean } = {},
): { jobs: LiveJobs; connected: boolean } {
  const closeOnEnd = opts.closeOnEnd === true;
  const [jobs, setJobs] = useState<LiveJobs>(() => seed.reduce(applyEvent, {}));
  const [connected, setConnected] = useState(false);
  const pending = useRef<StreamEvent[]>([]);

  useEffect(() => {
    if (!url) return;
    setJobs(seed.reduce(applyEvent, {}));
    const source = new EventSource(url);
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending.current;
      pending.current = [];
      setJobs((s) => batch.reduce(applyEvent, s));
    };
    const onEvent = (e: MessageEvent) => {
      const ev = JSON.parse(e.data) as StreamEvent;
      pending.current.push(ev);
      if (!frame) frame = window.setTimeout(flush, 50); // batch bursts into one render
      // a one-job stream of a job that ended has nothing more to say (the replay included): stop listening
      if (closeOnEnd && ev.kind === "status" && ENDED.includes(ev.data?.status)) {
        source.close();
        setConnected(false);
      }
    };
    for (const kind of ["status", "progress", "log", "metric"]) source.addEventListener(kind, onEvent);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    return () => {
      source.close();
      if (frame) clearTimeout(frame);
      pending.current = [];
    };
    // the seed belongs to the URL (the page passes both from one snapshot)
  }, [url, closeOnEnd]);

  return { jobs, connected };
}
