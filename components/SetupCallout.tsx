import type { SetupItem } from "@/lib/setup";

/** "Setup": what this installation still lacks and the command that adds each; nothing when all is there. */
export function SetupCallout({ items }: { items: SetupItem[] }) {
  if (items.length === 0) return null;
  return (
    <section
      aria-label="Setup"
      data-testid="setup-callout"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <h2 className="font-semibold">Setup: {items.length === 1 ? "one thing is" : `${items.length} things are`} missing</h2>
      <ul className="mt-2 space-y-2">
        {items.map((item) => (
          <li key={item.what} className="[overflow-wrap:anywhere]">
            {item.what}{" "}
            <span className="block">
              Fix: <code className="rounded bg-amber-100 px-1 text-xs dark:bg-amber-900">{item.fix}</code>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
