"use client";
import { scaleLinear, scaleLog } from "d3-scale";
import { useEffect, useRef, useState } from "react";

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  /** x of each point (steps or epochs) */
  x: number[];
  /** the line drawn solid (smoothed, or the values themselves) */
  y: (number | null)[];
  /** drawn faint under it: the raw (bucket mean) line … */
  raw?: (number | null)[];
  /** … and the band from each bucket's min to max, so a spike stays visible */
  lo?: (number | null)[];
  hi?: (number | null)[];
  dashed?: boolean;
  /** draw a dot at each point (few points: epochs) */
  dots?: boolean;
}

const M = { left: 52, right: 14, top: 10, bottom: 34 };
const H = 200;

const usable = (v: number | null | undefined, log: boolean): v is number => typeof v === "number" && Number.isFinite(v) && (!log || v > 0);

/** "M x,y L …" through the usable points; a gap (null, or ≤ 0 on a log scale) starts a new segment. */
function linePath(xs: number[], ys: (number | null)[], fx: (v: number) => number, fy: (v: number) => number, log: boolean): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (!usable(y, log)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${fx(xs[i]!).toFixed(1)},${fy(y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** The min–max band as closed polygons, one per run of usable points. */
function bandPath(xs: number[], lo: (number | null)[], hi: (number | null)[], fx: (v: number) => number, fy: (v: number) => number, log: boolean): string {
  let d = "";
  let run: number[] = [];
  const close = () => {
    if (run.length > 1) {
      d += run.map((i, k) => `${k ? "L" : "M"}${fx(xs[i]!).toFixed(1)},${fy(hi[i]!).toFixed(1)}`).join("");
      d += [...run].reverse().map((i) => `L${fx(xs[i]!).toFixed(1)},${fy(lo[i]!).toFixed(1)}`).join("") + "Z";
    }
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    if (usable(lo[i], log) && usable(hi[i], log)) run.push(i);
    else close();
  }
  close();
  return d;
}

/** The width the element is laid out at (for an SVG drawn in real pixels: text stays readable on a phone). */
function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.floor(entry!.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

/**
 * A line chart with one y scale for all its series (linear or log), y and x axes with tick values, and per series a
 * faint raw line + min–max band under a solid line. Our own SVG (scales and ticks from d3-scale): the server hands
 * out at most a few hundred points per series, so a few SVG paths draw it; text is real text (readable, themable
 * with currentColor in light and dark), and the legend with the latest values is the chart's text alternative.
 */
export function LineChart({
  title,
  series,
  log,
  xLabel,
  testId,
  empty = "no values yet",
  formatX = (v) => String(v),
}: {
  title: string;
  series: ChartSeries[];
  log: boolean;
  xLabel: string;
  testId?: string;
  /** what the chart says while it has no values */
  empty?: string;
  formatX?: (v: number) => string;
}) {
  const { ref, width } = useWidth(560);
  const [hover, setHover] = useState<number | null>(null);
  const all: number[] = [];
  const xs: number[] = [];
  for (const s of series) {
    for (const arr of [s.y, s.raw, s.lo, s.hi]) if (arr) for (const v of arr) if (usable(v, log)) all.push(v);
    xs.push(...s.x);
  }
  const latest = series.map((s) => {
    for (let i = s.y.length - 1; i >= 0; i--) if (typeof s.y[i] === "number") return { x: s.x[i]!, v: s.y[i] as number };
    return null;
  });
  const label = `${title}: ${series.map((s, i) => `${s.label} ${latest[i] ? fmt(latest[i]!.v) : "no value yet"}`).join(", ")}`;

  let body = null;
  if (all.length > 0 && xs.length > 0) {
    let lo = Math.min(...all);
    let hi = Math.max(...all);
    if (lo === hi) {
      lo = log ? lo / 2 : lo - Math.abs(lo || 1) * 0.5;
      hi = log ? hi * 2 : hi + Math.abs(hi || 1) * 0.5;
    }
    // a linear axis ends on round values; a log axis keeps the data's range (nice() would widen it to whole decades)
    const y = log ? scaleLog().domain([lo, hi]).range([H - M.bottom, M.top]) : scaleLinear().domain([lo, hi]).range([H - M.bottom, M.top]).nice();
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs, x0 + 1);
    const x = scaleLinear().domain([x0, x1]).range([M.left, width - M.right]);
    const decades = log ? logTicks(y.domain() as [number, number]) : [];
    // a log range within one factor of 2–5 has no 1/2/5 ticks: d3's log ticks (linear-like) then
    const yTicks = log ? (decades.length >= 2 ? decades : y.ticks(4)) : y.ticks(5);
    // linear ticks with the decimals their step needs ("150", "1.5", "0.02"; d3's precision), log ticks by fmt
    const yFormat = log ? fmtLog : scaleLinear().domain(y.domain()).tickFormat(5, ",~f");
    const xTicks = x.ticks(Math.max(2, Math.floor(width / 90))).filter((t) => Number.isInteger(t));
    const hx = hover !== null ? hover : null;
    body = (
      <svg
        width={width}
        height={H}
        className="block text-zinc-700 dark:text-zinc-300"
        role="img"
        aria-label={label}
        onPointerMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setHover(x.invert(e.clientX - r.left));
        }}
        onPointerLeave={() => setHover(null)}
      >
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} stroke="currentColor" strokeOpacity={0.12} />
            <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={11} fill="currentColor" data-axis="y">
              {yFormat(t)}
            </text>
          </g>
        ))}
        <line x1={M.left} x2={width - M.right} y1={H - M.bottom} y2={H - M.bottom} stroke="currentColor" strokeOpacity={0.4} />
        {xTicks.map((t) => (
          <g key={`x${t}`}>
            <line x1={x(t)} x2={x(t)} y1={H - M.bottom} y2={H - M.bottom + 4} stroke="currentColor" strokeOpacity={0.4} />
            <text
              x={x(t)}
              y={H - M.bottom + 15}
              // a label at either end is kept inside the chart
              textAnchor={x(t) > width - M.right - 16 ? "end" : x(t) < M.left + 16 ? "start" : "middle"}
              fontSize={11}
              fill="currentColor"
              data-axis="x"
            >
              {formatX(t)}
            </text>
          </g>
        ))}
        <text x={width - M.right} y={H - 3} textAnchor="end" fontSize={11} fill="currentColor">
          {xLabel}
        </text>
        {series.map((s) => (
          <g key={s.key}>
            {s.lo && s.hi && <path d={bandPath(s.x, s.lo, s.hi, x, y, log)} fill={s.color} fillOpacity={0.13} />}
            {s.raw && <path d={linePath(s.x, s.raw, x, y, log)} fill="none" stroke={s.color} strokeOpacity={0.35} strokeWidth={1} />}
            <path d={linePath(s.x, s.y, x, y, log)} fill="none" stroke={s.color} strokeWidth={1.75} strokeDasharray={s.dashed ? "5 3" : undefined} />
            {s.dots &&
              s.x.map((vx, i) => (usable(s.y[i], log) ? <circle key={i} cx={x(vx)} cy={y(s.y[i] as number)} r={2.5} fill={s.color} /> : null))}
          </g>
        ))}
        {hx !== null && hx >= x0 && hx <= x1 && <line x1={x(hx)} x2={x(hx)} y1={M.top} y2={H - M.bottom} stroke="currentColor" strokeOpacity={0.35} />}
      </svg>
    );
  }
  // the hover readout: each series' value nearest the pointer
  const readout =
    hover !== null
      ? series.map((s) => {
          let best = -1;
          for (let i = 0; i < s.x.length; i++) if (best < 0 || Math.abs(s.x[i]! - hover) < Math.abs(s.x[best]! - hover)) best = i;
          return best >= 0 ? { x: s.x[best]!, v: s.y[best] } : null;
        })
      : null;

  return (
    <figure className="min-w-0 rounded border border-zinc-200 p-2 dark:border-zinc-700" data-testid={testId ?? "training-chart"}>
      <figcaption className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300">
        <span className="font-medium text-zinc-900 dark:text-zinc-100">{title}</span>
        {series.map((s, i) => {
          const shown = readout ? readout[i] : latest[i];
          return (
            <span key={s.key} className="inline-flex items-center gap-1 tabular-nums" data-series={s.key}>
              <svg width="14" height="6" aria-hidden="true">
                <line x1="0" x2="14" y1="3" y2="3" stroke={s.color} strokeWidth="3" strokeDasharray={s.dashed ? "4 2" : undefined} />
              </svg>
              {s.label} {shown && typeof shown.v === "number" ? fmt(shown.v) : "—"}
            </span>
          );
        })}
        {readout && readout.some(Boolean) && <span className="tabular-nums">at {xLabel} {formatX(readout.find(Boolean)!.x)}</span>}
      </figcaption>
      <div ref={ref} className="w-full overflow-hidden">
        {body ?? <p className="py-8 text-center text-xs text-zinc-600 dark:text-zinc-400">{empty}</p>}
      </div>
    </figure>
  );
}

/** Powers of ten (and 2×, 5× when there are few) inside the domain: a log axis with readable labels. */
function logTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const steps = b - a <= 2 ? [1, 2, 5] : [1];
  for (let p = a; p <= b; p++) for (const m of steps) {
    const t = m * 10 ** p;
    if (t >= lo * 0.999 && t <= hi * 1.001) out.push(t);
  }
  return out;
}

/** A log axis's tick (1, 2, 5 × a power of ten): "0.05", "20", "1k". */
function fmtLog(v: number): string {
  return v >= 1000 ? `${+(v / 1000).toPrecision(3)}k` : String(+v.toPrecision(3));
}

export function fmt(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1000) return `${(v / 1000).toFixed(a >= 10_000 ? 0 : 1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toExponential(1);
}
