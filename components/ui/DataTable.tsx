import type { HTMLAttributes, ReactNode } from "react";
import { DataTableView, type PreparedColumn, type PreparedRow, type SortValue } from "./DataTableView";

/** One column of a DataTable. */
export interface Column<T> {
  /** stable id (sorting, React keys) */
  key: string;
  /** the header text */
  header: string;
  /** hide the header text (an actions column); it stays for screen readers */
  srHeader?: boolean;
  cell: (row: T) => ReactNode;
  /** a value to sort by: the column's header becomes a sort button */
  sort?: (row: T) => SortValue;
  /** the row's title on a phone: shown first, bold, without a "label:" */
  primary?: boolean;
  /** extra classes for the cells */
  className?: string;
  /** cut long text with "…" at sm and up (its whole text stays in `title`); a phone wraps it instead */
  truncate?: boolean;
  align?: "left" | "right";
  /** the cell's tooltip (the whole text of a truncated cell) */
  title?: (row: T) => string | undefined;
  /** data-testid of each cell of the column */
  testId?: string;
}

export type RowProps = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | number | boolean | undefined };

/**
 * The app's one table. Columns render their cells; a column with `sort` gets a header button (aria-sort on its
 * <th>, keyboard operable) that orders the rows in the browser. From sm up it is a table that scrolls inside its own
 * box; on a phone each row is a stacked card of "label: value" lines, so nothing scrolls sideways.
 *
 * This part has no hooks, so a server component can pass render functions: the cells are rendered here and the
 * client part (DataTableView) only orders the rendered rows.
 */
export function DataTable<T>({
  label,
  rows,
  columns,
  rowKey,
  rowProps,
}: {
  /** the table's accessible name */
  label: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowProps?: (row: T) => RowProps;
}) {
  const cols: PreparedColumn[] = columns.map((c) => ({
    key: c.key,
    header: c.header,
    srHeader: c.srHeader ?? false,
    sortable: c.sort !== undefined,
    primary: c.primary ?? false,
    className: c.className ?? "",
    truncate: c.truncate ?? false,
    align: c.align ?? "left",
    testId: c.testId,
  }));
  const prepared: PreparedRow[] = rows.map((r) => ({
    key: rowKey(r),
    props: rowProps?.(r) ?? {},
    cells: columns.map((c) => c.cell(r)),
    titles: columns.map((c) => c.title?.(r)),
    sortValues: columns.map((c) => (c.sort ? c.sort(r) : null)),
  }));
  return <DataTableView label={label} columns={cols} rows={prepared} />;
}
