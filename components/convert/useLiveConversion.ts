"use client";
import { useEffect } from "react";
import { useJobEvents, type LiveJob } from "../useJobEvents";
import { getConversion } from "./api";
import { isActive, isCover, type Conversion } from "./types";

const POLL_MS = 4000;
const SETTLE_TRIES = 10;

/**
 * Follows a conversion while it runs: the job's SSE stream drives the progress bar, and when the stream says the
 * job ended the conversion is re-read (its output URL only exists then). A slow poll covers a dropped stream.
 * A cover's stream is read after it ended too (the stream replays a finished job's events, then is closed): its
 * steps, and which of them were cached, stay on show.
 */
export function useLiveConversion(conversion: Conversion | null, onUpdate: (c: Conversion) => void): LiveJob | undefined {
  const active = !!conversion && isActive(conversion);
  const jobId = active || (conversion && isCover(conversion)) ? conversion.jobId : null;
  const { jobs } = useJobEvents(jobId ? `/api/jobs/${jobId}/events` : null, undefined, { closeOnEnd: true });
  const live = jobId ? jobs[jobId] : undefined;
  const ended = !!live?.status && !["queued", "running"].includes(live.status);
  const id = active ? conversion.id : null;

  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    // after the job's end event, the conversion row may lag a moment behind: re-read quickly a few times
    let tries = 0;
    const check = async () => {
      const fresh = await getConversion(id).catch(() => null);
      if (cancelled) return;
      if (fresh) onUpdate(fresh);
      if (fresh && !isActive(fresh)) return;
      timer = setTimeout(check, ended && ++tries < SETTLE_TRIES ? 500 : POLL_MS);
    };
    timer = setTimeout(check, ended ? 0 : POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [id, ended, onUpdate]);

  return live;
}
