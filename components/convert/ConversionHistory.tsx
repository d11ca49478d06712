"use client";
import { useState } from "react";
import { formatDateTime, formatDuration } from "@/lib/format";
import { deleteConversion } from "./api";
import { summarizeParams } from "./ConversionSettings";
import { summarizeCover } from "./cover";
import { isActive, isCover, type Conversion } from "./types";
import { Badge, DataTable, EmptyState, ErrorText, mutedText, StatusBadge, useConfirm, useToast } from "@/components/ui";

/** Recent conversions and covers (marked "Cover", with their mix), newest first; a row's Show puts it in the result area. */
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
  const confirm = useConfirm();
  const toast = useToast();

  async function remove(c: Conversion) {
    const yes = await confirm({ title: "Delete this conversion?", message: `The conversion of “${c.inputName}” and its audio files are deleted.`, confirmLabel: "Delete", danger: true });
    if (!yes) return;
    setError(null);
    try {
      await deleteConversion(c.id);
      onDeleted(c.id);
      toast("Conversion deleted");
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section aria-labelledby="recent-conversions" className="space-y-2">
      <h2 id="recent-conversions" className="font-semibold">
        Recent conversions
      </h2>
      <ErrorText error={error ?? loadError} />
      {conversions === null ? (
        !loadError && <p className={`text-sm ${mutedText}`}>Loading…</p>
      ) : conversions.length === 0 ? (
        <EmptyState>Nothing converted yet.</EmptyState>
      ) : (
        <DataTable
          label="Recent conversions"
          rows={conversions}
          rowKey={(c) => c.id}
          rowProps={(c) => ({
            "data-testid": "conversion-row",
            "data-status": c.status,
            "data-selected": c.id === selectedId || undefined,
            className: `cursor-pointer ${c.id === selectedId ? "bg-indigo-50 dark:bg-indigo-950 max-sm:dark:bg-indigo-950 max-sm:bg-indigo-50" : "hover:bg-zinc-50 dark:hover:bg-zinc-800"}`,
            onClick: () => onSelect(c),
          })}
          columns={[
            {
              key: "model",
              header: "Model",
              primary: true,
              sort: (c) => c.model?.name,
              cell: (c) => (
                <>
                  {c.model?.name ?? "—"}
                  {isCover(c) && (
                    <span className="ml-2 align-middle font-normal" data-testid="cover-badge">
                      <Badge>Cover</Badge>
                    </span>
                  )}
                </>
              ),
            },
            {
              key: "input",
              header: "Input",
              truncate: true,
              sort: (c) => c.inputName,
              title: (c) => c.inputName,
              cell: (c) => (
                <>
                  <span className="font-mono text-xs">{c.inputName}</span>
                  {c.inputSeconds != null && <span className={`ml-1 ${mutedText}`}>({formatDuration(c.inputSeconds)})</span>}
                </>
              ),
            },
            {
              key: "settings",
              header: "Settings",
              cell: (c) => (
                <span className="text-xs">
                  {isCover(c) && c.cover && (
                    <span className="block" data-testid="cover-mix">
                      {summarizeCover(c.cover)}
                    </span>
                  )}
                  {summarizeParams(c.params)}
                </span>
              ),
            },
            { key: "status", header: "Status", sort: (c) => c.status, cell: (c) => <StatusBadge status={c.status} /> },
            {
              key: "time",
              header: "Time",
              sort: (c) => new Date(c.createdAt).getTime(),
              cell: (c) => (
                <time className="whitespace-nowrap text-xs" dateTime={c.createdAt}>
                  {formatDateTime(c.createdAt)}
                </time>
              ),
            },
            {
              key: "actions",
              header: "Actions",
              srHeader: true,
              align: "right",
              cell: (c) => (
                <div className="flex justify-end gap-3 whitespace-nowrap max-sm:justify-start">
                  {/* a real button too, so keyboard users can pick a row */}
                  <button
                    type="button"
                    className="underline underline-offset-2"
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(c);
                    }}
                  >
                    Show
                  </button>
                  <button
                    type="button"
                    className="text-red-700 underline underline-offset-2 disabled:opacity-60 dark:text-red-400"
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
                </div>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}
