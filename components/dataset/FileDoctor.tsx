"use client";
/**
 * The dataset doctor's view of one file: its waveform (peaks from the server, bounded) with the flagged regions and
 * excluded slices marked, what was measured and what to do, include/exclude of the file and of each slice, and a
 * before/after player of the cleaning.
 */
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { AudioFile } from "@/components/api-client";
import { callApi } from "@/components/api-client";
import type { DatasetSlice, Peaks } from "@/lib/api/dataset";
import type { ClipAnalysis } from "@/lib/dataset/analysis";
import { formatDuration } from "@/lib/format";
import { Card, DataTable, EmptyState, mutedText, secondaryButton, useToast } from "@/components/ui";
import { FlagList } from "./flags";

const REGION_FILL = { clipping: "fill-red-500/60", silence: "fill-zinc-400/40", noise: "fill-amber-400/50" } as const;

const db = (v: number | null | undefined, unit = "dB") => (v === null || v === undefined || !Number.isFinite(v) ? "—" : `${v.toFixed(1)} ${unit}`);
const pct = (v: number) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)} %`;
const hz = (v: number | null) => (v === null ? "—" : v >= 1000 ? `${(v / 1000).toFixed(1)} kHz` : `${Math.round(v)} Hz`);

/** Pure: the measurements as label/value pairs. */
export function measurements(a: ClipAnalysis): [string, string][] {
  const rows: [string, string][] = [
    ["Loudness", db(a.loudnessLufs, "LUFS")],
    ["True peak", db(a.truePeakDbtp, "dBTP")],
    ["Sample peak", db(a.samplePeakDb, "dBFS")],
    ["Clipping", `${pct(a.clipping.fraction)} in ${a.clipping.runs} run(s)`],
    ["Longest clipped run", `${a.clipping.longestRunMs.toFixed(1)} ms`],
    ["DC offset", a.dcOffset.toFixed(4)],
    ["Noise floor", db(a.noiseFloorDb, "dBFS")],
    ["SNR", db(a.snrDb)],
    ["Bandwidth", hz(a.bandwidthHz)],
    ["Silence", pct(a.silenceFraction)],
  ];
  if (a.pitch) {
    rows.push(["Voiced", pct(a.pitch.voicedFraction)], ["Pitch p5 / p50 / p95", `${hz(a.pitch.p5Hz)} / ${hz(a.pitch.p50Hz)} / ${hz(a.pitch.p95Hz)}`]);
  }
  return rows;
}

function Waveform({ peaks, analysis, slices, durationSec }: { peaks: Peaks | null; analysis: ClipAnalysis | null; slices: DatasetSlice[]; durationSec: number }) {
  const n = peaks?.min.length ?? 0;
  const x = (sec: number) => (durationSec > 0 ? (sec / durationSec) * Math.max(n, 1) : 0);
  const path = peaks
    ? peaks.max.map((v, i) => `${i === 0 ? "M" : "L"}${i},${(-v).toFixed(3)}`).join("") + peaks.min.map((_, j) => { const i = n - 1 - j; return `L${i},${(-peaks.min[i]!).toFixed(3)}`; }).join("") + "Z"
    : "";
  return (
    <figure className="space-y-1">
      <svg
        role="img"
        aria-label={`Waveform${analysis?.regions.length ? ` with ${analysis.regions.length} flagged region(s)` : ""}`}
        data-testid="waveform"
        viewBox={`0 -1 ${Math.max(n, 1)} 2`}
        preserveAspectRatio="none"
        className="h-28 w-full rounded bg-zinc-50 dark:bg-zinc-950"
      >
        {slices.filter((s) => s.excluded && s.startSec !== null).map((s) => (
          <rect key={`s${s.index}`} x={x(s.startSec!)} width={Math.max(x(s.durationSec), 0.5)} y={-1} height={2} className="fill-zinc-500/25" />
        ))}
        {path && <path d={path} className="fill-indigo-600 dark:fill-indigo-400" />}
        {/* over the waveform: a clipped span is as tall as the wave */}
        {analysis?.regions.map((r, i) => (
          <rect key={i} data-region={r.kind} x={x(r.startSec)} width={Math.max(x(r.endSec - r.startSec), 0.5)} y={-1} height={2} className={REGION_FILL[r.kind]} />
        ))}
      </svg>
      <figcaption className={`flex flex-wrap gap-x-4 text-xs ${mutedText}`}>
        <span>{peaks ? `0 – ${formatDuration(durationSec)}` : "loading the waveform…"}</span>
        <span><span aria-hidden className="mr-1 inline-block h-2 w-3 bg-red-500/60" />clipping</span>
        <span><span aria-hidden className="mr-1 inline-block h-2 w-3 bg-zinc-400/40" />long silence</span>
        <span><span aria-hidden className="mr-1 inline-block h-2 w-3 bg-amber-400/50" />noise</span>
        <span><span aria-hidden className="mr-1 inline-block h-2 w-3 bg-zinc-500/25" />excluded slice</span>
      </figcaption>
    </figure>
  );
}

export function FileDoctor({
  experiment,
  file,
  slices,
  readOnly,
  cleaning,
  cleaningOn,
}: {
  experiment: string;
  file: AudioFile;
  slices: DatasetSlice[];
  readOnly: boolean;
  /** the cleaning the "after" player applies (the experiment's, or the suggested one while it is off) */
  cleaning: string;
  cleaningOn: boolean;
}) {
  const router = useRouter();
  const toast = useToast();
  const [peaks, setPeaks] = useState<Peaks | null>(null);
  const [peakError, setPeakError] = useState<string | null>(null);
  const base = `/api/experiments/${experiment}/files/${file.id}`;

  useEffect(() => {
    let live = true;
    callApi<Peaks>(`${base}/peaks?points=600`)
      .then((p) => live && setPeaks(p))
      .catch((err: Error) => live && setPeakError(err.message));
    return () => {
      live = false;
    };
  }, [base]);

  async function patch(url: string, excluded: boolean, what: string) {
    try {
      await callApi(url, { method: "PATCH", body: JSON.stringify({ excluded }) });
      toast(excluded ? `Excluded ${what} from training` : `Included ${what} again`);
      router.refresh();
    } catch (err) {
      toast((err as Error).message, "error");
    }
  }

  const a = file.analysis;
  return (
    <>
      <Card
        label="Analysis"
        title="Analysis"
        actions={
          !readOnly && (
            <button type="button" className={secondaryButton} onClick={() => void patch(base, !file.excluded, "this file")} data-testid="file-exclude">
              {file.excluded ? "Include in training" : "Exclude from training"}
            </button>
          )
        }
      >
        {file.excluded && <p className="text-sm font-medium" data-testid="file-excluded">Excluded: none of its slices reach the next training.</p>}
        {peakError ? <p className={`text-sm ${mutedText}`}>No waveform: {peakError}</p> : <Waveform peaks={peaks} analysis={a} slices={slices} durationSec={file.durationSec ?? a?.durationSec ?? 0} />}
        {a ? (
          <>
            {file.flags.length > 0 ? (
              <ul className="space-y-1 text-sm" aria-label="Flags" data-testid="file-flag-messages">
                {file.flags.map((f) => (
                  <li key={f.code} data-flag={f.code} className={`rounded px-2 py-1 ${f.level === "error" ? "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300" : "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}>
                    {f.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm">No flags: nothing measured here is likely to hurt the model.</p>
            )}
            <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3" aria-label="Measurements">
              {measurements(a).map(([k, v]) => (
                <div key={k} className="flex flex-wrap justify-between gap-x-2 border-b border-zinc-100 py-0.5 dark:border-zinc-800">
                  <dt className={mutedText}>{k}</dt>
                  <dd className="tabular-nums">{v}</dd>
                </div>
              ))}
            </dl>
          </>
        ) : (
          <EmptyState>Not analysed yet: the analyze job measures each upload shortly after it arrives (a worker must be running).</EmptyState>
        )}
      </Card>

      <Card label="Cleaning preview" title="Before / after cleaning">
        <p className={`text-sm ${mutedText}`}>
          The first 10 s of the file, as uploaded and {cleaningOn ? "with this experiment's cleaning" : "with the suggested cleaning (cleaning is off in this experiment's settings)"}: {cleaning}. The upload
          itself is never changed.
        </p>
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="min-w-0 space-y-1 text-sm">
            <p className="font-medium">Before</p>
            <audio controls preload="none" className="w-full" src={`${base}/audio?seconds=10`} data-testid="player-before" aria-label="Before cleaning" />
          </div>
          <div className="min-w-0 space-y-1 text-sm">
            <p className="font-medium">After</p>
            <audio controls preload="none" className="w-full" src={`${base}/audio?cleaned=1&seconds=10`} data-testid="player-after" aria-label="After cleaning" />
          </div>
        </div>
      </Card>

      <Card label="Slices" title={`Slices (${slices.length})`}>
        <p className={`text-sm ${mutedText}`}>
          The training slices preprocess made of this file. An excluded slice never reaches filelist.txt; the next training uses the change. Re-running preprocess on the file
          (e.g. after a cleaning change) makes new slices without exclusions.
        </p>
        {slices.length === 0 ? (
          <EmptyState>No slices yet: run preprocess (their analysis follows by itself).</EmptyState>
        ) : (
          <DataTable
            label="Slices"
            rows={slices}
            rowKey={(s) => String(s.index)}
            rowProps={(s) => ({ "data-testid": "slice-row", "data-excluded": s.excluded ? "true" : undefined })}
            columns={[
              { key: "index", header: "Slice", primary: true, sort: (s) => s.index, cell: (s) => <span className="font-mono text-xs">{s.stem}</span> },
              { key: "start", header: "Start", sort: (s) => s.startSec, cell: (s) => (s.startSec === null ? "—" : `${s.startSec.toFixed(1)} s`) },
              { key: "length", header: "Length", cell: (s) => `${s.durationSec.toFixed(1)} s` },
              { key: "loudness", header: "Loudness", sort: (s) => s.analysis?.loudnessLufs ?? null, cell: (s) => db(s.analysis?.loudnessLufs, "LUFS") },
              {
                key: "flags",
                header: "Flags",
                sort: (s) => s.flags.length,
                cell: (s) => (s.excluded ? <span className="text-xs font-medium">excluded</span> : s.analysis ? <FlagList flags={s.flags} none="ok" /> : <span className={`text-xs ${mutedText}`}>analysing…</span>),
              },
              {
                key: "actions",
                header: "Actions",
                srHeader: true,
                align: "right",
                cell: (s) =>
                  readOnly ? null : (
                    <button type="button" className="underline underline-offset-2" aria-label={`${s.excluded ? "Include" : "Exclude"} slice ${s.stem}`} onClick={() => void patch(`${base}/slices/${s.index}`, !s.excluded, `slice ${s.stem}`)}>
                      {s.excluded ? "Include" : "Exclude"}
                    </button>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
