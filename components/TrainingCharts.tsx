"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import type { TrainingSeries } from "@/lib/api/training";
import { callApi } from "./api-client";
import { LineChart, type ChartSeries } from "./LineChart";
import type { LiveJob } from "./useJobEvents";

type Series = z.infer<typeof TrainingSeries>;

const ADVERSARIAL = [
  { key: "gen", label: "generator", color: "#6366f1" },
  { key: "disc", label: "discriminator", color: "#d97706" },
  { key: "fm", label: "feature matching", color: "#059669" },
];
const RECONSTRUCTION = [
  { key: "mel", label: "mel", color: "#dc2626" },
  { key: "kl", label: "KL", color: "#0284c7" },
];
/** buckets asked of the server: about one per 2 px of a chart at 1280 px */
const POINTS = 300;
/** while training runs, the series is fetched again at most this often */
const REFETCH_MS = 5000;

const stepsLabel = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(v));

/** Per-step losses (raw + smoothed) and per-epoch validation over the whole history, from the series route. */
export function TrainingCharts({ experiment, live }: { experiment: string; live: LiveJob | undefined }) {
  const [data, setData] = useState<Series | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [log, setLog] = useState(false);
  const last = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  const inFlight = useRef(false);

  const load = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    last.current = Date.now();
    try {
      setData(await callApi<Series>(`/api/experiments/${encodeURIComponent(experiment)}/training/series?points=${POINTS}`));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      inFlight.current = false;
    }
  }, [experiment]);

  useEffect(() => {
    void load();
    return () => window.clearTimeout(timer.current);
  }, [load]);

  // new steps or a new epoch/validation while training runs: fetch again, throttled (never more than every 5 s)
  const tick = `${live?.progress?.done ?? ""}:${live?.metrics.length ?? 0}:${live?.status ?? ""}`;
  const first = useRef(tick);
  useEffect(() => {
    if (tick === first.current) return;
    if (timer.current !== undefined) return;
    const wait = Math.max(0, REFETCH_MS - (Date.now() - last.current));
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      void load();
    }, wait);
  }, [tick, load]);

  const steps = data?.steps;
  const stepSeries = (defs: typeof ADVERSARIAL): ChartSeries[] =>
    defs
      .filter((d) => steps?.series[d.key])
      .map((d) => {
        const s = steps!.series[d.key]!;
        return { ...d, x: steps!.to, y: s.smooth, raw: s.mean, lo: s.min, hi: s.max };
      });
  // a history without the step file (trained before it existed): the per-epoch means
  const epochSeries = (defs: typeof ADVERSARIAL): ChartSeries[] =>
    defs.filter((d) => data?.epochs.series[d.key]).map((d) => ({ ...d, x: data!.epochs.epoch, y: data!.epochs.series[d.key]!, dots: data!.epochs.epoch.length <= 60 }));
  const perStep = (steps?.count ?? 0) > 0;
  const trainMel = data?.epochs.series.mel;
  // the train mel beside the held-out one (same c_mel scale): a widening gap is overfitting
  const validation: ChartSeries[] = data?.validation.epoch.length
    ? [
        { key: "vmel", label: "held-out mel", color: "#dc2626", x: data.validation.epoch, y: data.validation.mel, dots: data.validation.epoch.length <= 60 },
        { key: "vstft", label: "held-out STFT", color: "#7c3aed", x: data.validation.epoch, y: data.validation.stft, dots: data.validation.epoch.length <= 60 },
        ...(trainMel ? [{ key: "tmel", label: "train mel (epoch mean)", color: "#64748b", x: data.epochs.epoch, y: trainMel, dashed: true }] : []),
      ]
    : [];

  return (
    <div className="space-y-2" data-testid="training-charts" data-steps={steps?.count ?? 0}>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300">
        <label className="inline-flex items-center gap-1.5">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} />
          Log scale
        </label>
        <span>
          {perStep
            ? `${steps!.count.toLocaleString("en")} steps, up to epoch ${steps!.epoch.at(-1)}; faint: ${
                steps!.count > steps!.points ? `mean and min–max of every ${Math.round(steps!.count / steps!.points)} steps` : "each step"
              }, solid: smoothed`
            : data && data.epochs.epoch.length
              ? "per-epoch means (this training has no per-step record)"
              : "the charts fill in as training runs"}
        </span>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Charts: {error}
        </p>
      )}
      <div className="grid gap-3 md:grid-cols-2">
        <LineChart title="Adversarial losses" series={perStep ? stepSeries(ADVERSARIAL) : epochSeries(ADVERSARIAL)} log={log} xLabel={perStep ? "step" : "epoch"} formatX={perStep ? stepsLabel : undefined} />
        <LineChart title="Reconstruction losses" series={perStep ? stepSeries(RECONSTRUCTION) : epochSeries(RECONSTRUCTION)} log={log} xLabel={perStep ? "step" : "epoch"} formatX={perStep ? stepsLabel : undefined} />
      </div>
      <LineChart
        title="Validation on held-out clips (per checkpoint)"
        series={validation}
        log={log}
        xLabel="epoch"
        testId="validation-chart"
        empty="No validated checkpoint yet: each checkpoint is scored on the held-out clips (none when the dataset has fewer than 4 slices)."
      />
    </div>
  );
}
