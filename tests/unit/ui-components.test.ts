/** The design system's pieces that carry behaviour: table sorting, the Field's wiring, the table's markup. */
import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable } from "../../components/ui/DataTable";
import { compareSortValues, sortRows, type PreparedRow } from "../../components/ui/DataTableView";
import { Field, type FieldControl } from "../../components/ui/Field";
import { statusTone } from "../../components/ui/StatusBadge";

const row = (key: string, ...sortValues: PreparedRow["sortValues"]): PreparedRow => ({ key, props: {}, cells: [], titles: [], sortValues });
const keys = (rows: PreparedRow[]) => rows.map((r) => r.key);

describe("sortRows", () => {
  const rows = [row("b", "file 10", 3), row("a", "file 2", null), row("c", "File 1", 3), row("d", null, 1)];

  it("keeps the server's order until a column is chosen", () => {
    expect(keys(sortRows(rows, null))).toEqual(["b", "a", "c", "d"]);
  });

  it("orders text naturally and case-insensitively, empty values last in both directions", () => {
    expect(keys(sortRows(rows, { col: 0, dir: "ascending" }))).toEqual(["c", "a", "b", "d"]);
    expect(keys(sortRows(rows, { col: 0, dir: "descending" }))).toEqual(["b", "a", "c", "d"]);
  });

  it("orders numbers by value and is stable for equal values", () => {
    expect(keys(sortRows(rows, { col: 1, dir: "ascending" }))).toEqual(["d", "b", "c", "a"]);
    expect(keys(sortRows(rows, { col: 1, dir: "descending" }))).toEqual(["b", "c", "d", "a"]);
  });

  it("compares dates by time", () => {
    expect(compareSortValues(new Date("2026-01-02"), new Date("2026-01-10"))).toBeLessThan(0);
  });
});

describe("Field", () => {
  it("ties the label, help and error to its control", () => {
    const html = renderToStaticMarkup(
      h(Field, { label: "Epochs", help: "How many passes", error: "Too many", children: (c: FieldControl) => h("input", c) }),
    );
    const id = /<label for="([^"]+)"/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(`<input id="${id}" aria-describedby="${id}-help ${id}-error" aria-invalid="true"/>`);
    expect(html).toContain(`<p id="${id}-help"`);
    expect(html).toContain(`<p id="${id}-error" role="alert"`);
  });

  it("says nothing is wrong without an error, and puts an inline checkbox inside its label", () => {
    const plain = renderToStaticMarkup(h(Field, { label: "Name", children: (c: FieldControl) => h("input", c) }));
    expect(plain).not.toContain("aria-invalid");
    expect(plain).not.toContain("aria-describedby");
    const inline = renderToStaticMarkup(
      h(Field, { label: "Cache", inline: true, children: (c: FieldControl) => h("input", { type: "checkbox", ...c }) }),
    );
    expect(inline).toMatch(/<label for="([^"]+)"[^>]*><input type="checkbox" id="\1"\/>Cache<\/label>/);
  });
});

describe("DataTable", () => {
  type R = { name: string; size: number };
  const html = renderToStaticMarkup(
    h(DataTable<R>, {
      label: "Things",
      rows: [
        { name: "b", size: 2 },
        { name: "a", size: 1 },
      ],
      rowKey: (r) => r.name,
      rowProps: () => ({ "data-testid": "thing-row" }),
      columns: [
        { key: "name", header: "Name", primary: true, sort: (r) => r.name, cell: (r) => r.name },
        { key: "size", header: "Size", cell: (r) => `${r.size} KB` },
        { key: "actions", header: "Actions", srHeader: true, cell: () => null },
      ],
    }),
  );

  it("is a named table whose sortable headers are buttons with aria-sort", () => {
    expect(html).toContain('<table aria-label="Things"');
    expect(html).toMatch(/<th scope="col" aria-sort="none"[^>]*><button type="button"[^>]*>Name/);
    expect(html).toMatch(/<th scope="col" class="[^"]*">Size<\/th>/);
    expect(html).toContain('<span class="sr-only">Actions</span>');
  });

  it("labels each plain cell for the phone layout (not the row's title or the actions)", () => {
    expect(html.match(/data-label="Size"/g)).toHaveLength(2);
    expect(html).not.toContain('data-label="Name"');
    expect(html).not.toContain('data-label="Actions"');
    expect(html.match(/data-testid="thing-row"/g)).toHaveLength(2);
    expect(html.indexOf(">b<")).toBeLessThan(html.indexOf(">a<"));
  });
});

describe("statusTone", () => {
  it("gives each job status its meaning, unknown ones neutral", () => {
    expect(["queued", "running", "succeeded", "failed", "cancelled", "something"].map(statusTone)).toEqual(["neutral", "active", "good", "bad", "warn", "neutral"]);
  });
});
