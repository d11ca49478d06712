"use client";
import { useMemo, useState, type ReactNode } from "react";
import type { RowProps } from "./DataTable";

export type SortValue = string | number | Date | null | undefined;

export interface PreparedColumn {
  key: string;
  header: string;
  srHeader: boolean;
  sortable: boolean;
  primary: boolean;
  className: string;
  truncate: boolean;
  align: "left" | "right";
  testId?: string;
}

export interface PreparedRow {
  key: string;
  props: RowProps;
  cells: ReactNode[];
  titles: (string | undefined)[];
  sortValues: SortValue[];
}

type Sort = { col: number; dir: "ascending" | "descending" } | null;

/** Compares two sort values: numbers and dates by value, text naturally ("file 2" before "file 10"); empty last. */
export function compareSortValues(a: SortValue, b: SortValue): number {
  const empty = (v: SortValue) => v === null || v === undefined || v === "";
  if (empty(a) || empty(b)) return empty(a) === empty(b) ? 0 : empty(a) ? 1 : -1;
  const num = (v: SortValue) => (v instanceof Date ? v.getTime() : v);
  const x = num(a)!;
  const y = num(b)!;
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: "base" });
}

/** Orders rows by one column; a stable sort, so equal values keep the server's order. Pure. */
export function sortRows(rows: PreparedRow[], sort: Sort): PreparedRow[] {
  if (!sort) return rows;
  const sign = sort.dir === "ascending" ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((p, q) => {
      const a = p.r.sortValues[sort.col];
      const b = q.r.sortValues[sort.col];
      const emptyA = a === null || a === undefined || a === "";
      const emptyB = b === null || b === undefined || b === "";
      // empty values stay last in both directions
      if (emptyA || emptyB) return emptyA === emptyB ? p.i - q.i : emptyA ? 1 : -1;
      return sign * compareSortValues(a, b) || p.i - q.i;
    })
    .map((x) => x.r);
}

function SortIcon({ dir }: { dir: "ascending" | "descending" | null }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 10 14" className={`h-3 w-2.5 shrink-0 ${dir ? "opacity-100" : "opacity-40"}`}>
      {dir !== "descending" && <path d="M5 1 9 6H1z" fill="currentColor" />}
      {dir !== "ascending" && <path d="M5 13 1 8h8z" fill="currentColor" />}
    </svg>
  );
}

export function DataTableView({ label, columns, rows }: { label: string; columns: PreparedColumn[]; rows: PreparedRow[] }) {
  const [sort, setSort] = useState<Sort>(null);
  const shown = useMemo(() => sortRows(rows, sort), [rows, sort]);

  function toggle(col: number) {
    setSort((s) => (s?.col === col ? { col, dir: s.dir === "ascending" ? "descending" : "ascending" } : { col, dir: "ascending" }));
  }

  return (
    <div className="sm:overflow-x-auto" data-testid="table-scroll">
      <table aria-label={label} className="w-full text-left text-sm max-sm:block">
        {/* a phone: the header row is read by screen readers only; each cell shows its own label */}
        <thead className="text-xs uppercase tracking-wide text-zinc-600 max-sm:sr-only dark:text-zinc-400">
          <tr>
            {columns.map((c, i) => {
              const dir = sort?.col === i ? sort.dir : null;
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={c.sortable ? (dir ?? "none") : undefined}
                  className={`whitespace-nowrap py-2 pr-4 font-medium last:pr-0 ${c.align === "right" ? "text-right" : ""}`}
                >
                  {c.srHeader ? (
                    <span className="sr-only">{c.header}</span>
                  ) : c.sortable ? (
                    <button
                      type="button"
                      onClick={() => toggle(i)}
                      className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-zinc-900 dark:hover:text-white"
                    >
                      {c.header}
                      <SortIcon dir={dir} />
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="max-sm:block max-sm:space-y-3">
          {shown.map((r) => (
            <tr
              key={r.key}
              {...r.props}
              className={`border-t border-zinc-200 align-middle max-sm:block max-sm:rounded-lg max-sm:border max-sm:bg-white max-sm:p-3 max-sm:shadow-sm dark:border-zinc-800 max-sm:dark:bg-zinc-900 ${r.props.className ?? ""}`}
            >
              {columns.map((c, i) => {
                const cell = r.cells[i];
                return (
                  <td
                    key={c.key}
                    data-label={c.primary || c.srHeader ? undefined : c.header}
                    data-testid={c.testId}
                    title={r.titles[i]}
                    className={[
                      "py-2 pr-4 last:pr-0 max-sm:flex max-sm:gap-3 max-sm:py-0.5 max-sm:pr-0 max-sm:[&:has(>div:empty)]:hidden",
                      c.primary || c.srHeader
                        ? ""
                        : "max-sm:before:w-24 max-sm:before:shrink-0 max-sm:before:text-zinc-600 max-sm:before:content-[attr(data-label)] max-sm:dark:before:text-zinc-400",
                      c.primary ? "max-sm:pb-1 max-sm:text-base max-sm:font-semibold" : "",
                      c.srHeader ? "max-sm:pt-2" : "",
                      c.align === "right" ? "sm:text-right" : "",
                    ].join(" ")}
                  >
                    {/* one box for the value, so a phone's "label: value" line wraps the value, not the label */}
                    <div className={`min-w-0 max-sm:flex-1 ${c.truncate ? "max-sm:break-all sm:max-w-xs sm:truncate" : ""} ${c.className}`}>{cell}</div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
