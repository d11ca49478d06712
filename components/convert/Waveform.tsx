"use client";
import { useEffect, useRef, useState } from "react";
import { channelsOf, columnPeaks, decodeAudio } from "./audio";

const WIDTH = 600;
const HEIGHT = 80;
// decode at a modest rate: the picture needs no more, and long clips decode faster
const DECODE_RATE = 22050;

type State = { kind: "loading" } | { kind: "drawn"; peaks: number; seconds: number } | { kind: "error"; message: string };

/** A clip's waveform on a canvas: min/max per pixel column. `source` is a URL (fetched) or a local file/blob. */
export function Waveform({ source, label }: { source: string | Blob; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let cancelled = false;
    setState({ kind: "loading" });
    (async () => {
      const bytes = typeof source === "string" ? await fetchBytes(source) : await source.arrayBuffer();
      const audio = await decodeAudio(bytes, DECODE_RATE);
      if (cancelled || !canvas.current) return;
      const n = draw(canvas.current, channelsOf(audio));
      setState({ kind: "drawn", peaks: n, seconds: audio.duration });
    })().catch((err: Error) => {
      if (!cancelled) setState({ kind: "error", message: `Cannot draw the waveform: ${err.message || "the browser could not decode this audio"}` });
    });
    return () => {
      cancelled = true;
    };
  }, [source]);

  return (
    <figure className="space-y-1">
      <canvas
        ref={canvas}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={label}
        data-testid="waveform"
        data-peaks={state.kind === "drawn" ? state.peaks : 0}
        className="h-20 w-full rounded bg-zinc-100 text-indigo-600 dark:bg-zinc-800 dark:text-indigo-400"
      />
      {state.kind === "error" && <figcaption className="text-xs text-amber-700 dark:text-amber-400">{state.message}</figcaption>}
      {state.kind === "drawn" && <figcaption className="text-xs text-zinc-600 dark:text-zinc-400">{state.seconds.toFixed(1)} s</figcaption>}
    </figure>
  );
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** Draws one vertical line per column from min to max; returns the number of columns drawn. */
function draw(el: HTMLCanvasElement, channels: Float32Array[]): number {
  const ctx = el.getContext("2d");
  if (!ctx) return 0;
  const { min, max } = columnPeaks(channels, el.width);
  const mid = el.height / 2;
  ctx.clearRect(0, 0, el.width, el.height);
  ctx.fillStyle = getComputedStyle(el).color; // follows the Tailwind text colour, so dark mode just works
  for (let x = 0; x < min.length; x++) {
    const top = mid - max[x]! * mid;
    const bottom = mid - min[x]! * mid;
    ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
  }
  return min.length;
}
