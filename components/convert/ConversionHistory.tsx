"use client";
import { useState } from "react";
import { formatDuration } from "@/lib/format";
import { deleteConversion } from "./api";
import { summarizeParams } from "./ConversionSettings";
import { isActive, type Conversion } from "./types";
import { ScrollTable } from "@/components/ui";

/** Recent conversions, newest first; a row's Show puts it in the result area. */
export function ConversionHistory({
  conversions,
  loadError,
  selectedId,
  onSelect,
  onDeleted,
}: {
  conversions: Conversion[] | null;
  loadError: string | null;
  selectedId: string | null;
  onSelect: (c: Conversion) => void;
  onDeleted: (id: string) => void;
}) {
  const [error, setError] = useState<string | null>(null);

  async function remove(c: Conversion) {
    setError(null);
    try {
      await deleteConversion(c.id);
      onDeleted(c.id);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section aria-labelledby="recent-conversions" className="space-y-2">
      <h2 id="recent-conversions" className="font-semibold">
        Recent conversions
      </h2>
      {(error ?? loadError) && <p role="alert" className="text-sm text-red-600">{error ?? loadError}</p>}
      {conversions === null ? (
        !loadError && <p className="text-sm text-zinc-500">Loading…</p>
      ) : conversions.length === 0 ? (
        <p className="text-sm text-zinc-500">Nothing converted yet.</p>
      ) : (
        <ScrollTable label="Recent conversions">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1">Model</th>
              <th>Input</th>
              <th>Settings</th>
              <th>Status</th>
              <th>Time</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {conversions.map((c) => (
              <tr
                key={c.id}
                data-testid="conversion-row"
                data-status={c.status}
                data-selected={c.id === selectedId || undefined}
                className={`cursor-pointer border-t border-zinc-200 dark:border-zinc-800 ${c.id === selectedId ? "bg-indigo-50 dark:bg-indigo-950" : "hover:bg-zinc-50 dark:hover:bg-zinc-800"}`}
                onClick={() => onSelect(c)}
              >
                <td className="py-1">{c.model?.name ?? "—"}</td>
                <td className="max-w-40 truncate font-mono text-xs" title={c.inputName}>
                  {c.inputName}
                  {c.inputSeconds != null && <span className="ml-1 text-zinc-500">({formatDuration(c.inputSeconds)})</span>}
                </td>
                <td className="text-xs">{summarizeParams(c.params)}</td>
                <td>{c.status}</td>
                <td className="text-xs whitespace-nowrap">
                  <time dateTime={c.createdAt}>{new Date(c.createdAt).toLocaleString()}</time>
                </td>
                <td className="space-x-2 whitespace-nowrap text-right">
                  {/* a real button too, so keyboard users can pick a row */}
                  <button
                    type="button"
                    className="underline"
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(c);
                    }}
                  >
                    Show
                  </button>
                  <button
                    type="button"
                    className="text-red-700 underline disabled:opacity-40"
                    disabled={isActive(c)}
                    title={isActive(c) ? "Still running: cancel it first" : undefined}
                    aria-label={`Delete conversion of ${c.inputName}`}
                    onClick={(e) => {
                      e.stopPropagation(); // deleting is not selecting
                      void remove(c);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}
