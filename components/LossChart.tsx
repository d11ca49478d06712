"use client";

export interface Series {
  key: string;
  label: string;
  color: string;
}

/** A small SVG line chart of per-epoch values; each series scaled to its own range so all stay readable. */
export function LossChart({ points, series, title }: { points: Record<string, number | null>[]; series: Series[]; title: string }) {
  const W = 320;
  const H = 140;
  const pad = 24;
  const epochs = points.map((p) => p.epoch ?? 0);
  const minE = Math.min(...epochs, 1);
  const maxE = Math.max(...epochs, minE + 1);
  const x = (e: number) => pad + ((e - minE) / (maxE - minE)) * (W - 2 * pad);
  return (
    <figure className="rounded border border-zinc-200 p-2 dark:border-zinc-700" data-testid="loss-chart" data-points={points.length}>
      <figcaption className="mb-1 flex flex-wrap gap-3 text-xs">
        <span className="font-medium">{title}</span>
        {series.map((s) => {
          const last = [...points].reverse().find((p) => typeof p[s.key] === "number")?.[s.key];
          return (
            <span key={s.key} style={{ color: s.color }}>
              {s.label} {typeof last === "number" ? last.toFixed(3) : "—"}
            </span>
          );
        })}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-36 w-full" role="img" aria-label={title}>
        <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} stroke="currentColor" strokeOpacity={0.2} />
        <text x={pad} y={H - 6} fontSize="9" fill="currentColor" opacity={0.6}>epoch {minE}</text>
        <text x={W - pad} y={H - 6} fontSize="9" textAnchor="end" fill="currentColor" opacity={0.6}>{maxE}</text>
        {series.map((s) => {
          const vals = points.filter((p) => typeof p[s.key] === "number").map((p) => ({ e: p.epoch ?? 0, v: p[s.key] as number }));
          if (vals.length === 0) return null;
          const lo = Math.min(...vals.map((v) => v.v));
          const hi = Math.max(...vals.map((v) => v.v));
          const y = (v: number) => (hi === lo ? H / 2 : pad / 2 + (1 - (v - lo) / (hi - lo)) * (H - 1.5 * pad));
          const d = vals.map((v, i) => `${i ? "L" : "M"}${x(v.e).toFixed(1)},${y(v.v).toFixed(1)}`).join(" ");
          return (
            <g key={s.key}>
              <path d={d} fill="none" stroke={s.color} strokeWidth={1.5} />
              {vals.map((v) => (
                <circle key={v.e} cx={x(v.e)} cy={y(v.v)} r={2} fill={s.color} />
              ))}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
