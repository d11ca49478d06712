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
}

export type LiveJobs = Record<string, LiveJob>;

const MAX_LOGS = 2000;
const NO_EVENTS: StreamEvent[] = [];

/** Fold one event into the per-job live state. Pure. */
export function applyEvent(state: LiveJobs, ev: StreamEvent): LiveJobs {
  const prev = state[ev.jobId] ?? { logs: [], metrics: [] };
  const next: LiveJob = { ...prev };
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
export function useJobEvents(url: string | null, seed: StreamEvent[] = NO_EVENTS): { jobs: LiveJobs; connected: boolean } {
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
      pending.current.push(JSON.parse(e.data) as StreamEvent);
      if (!frame) frame = window.setTimeout(flush, 50); // batch bursts into one render
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
  }, [url]);

  return { jobs, connected };
}
