/** Class names and small pieces every page shares (one Tailwind look; light and dark). */
export const inputClass = "mt-1 block w-full rounded border border-zinc-300 bg-white px-2 py-1.5 text-sm disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900";
export const cardClass = "rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900";
export const primaryButton = "inline-flex items-center justify-center rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50";
export const secondaryButton =
  "inline-flex items-center justify-center rounded border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-100 dark:bg-zinc-900 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
export const dangerButton =
  "inline-flex items-center justify-center rounded border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 dark:bg-zinc-900 hover:bg-red-50 disabled:opacity-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950";
export const smallSelect = "rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";
/** one row of a list that wraps on a phone instead of overflowing */
export const listRow = "flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-zinc-200 py-2 first:border-t-0 dark:border-zinc-800";
/** secondary text: zinc-600 / zinc-400 keep a 4.5:1 contrast on white, zinc-50, zinc-900 and zinc-950 */
export const mutedText = "text-zinc-600 dark:text-zinc-400";
/** a link inside text or a table cell */
export const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

/** A time as the server and the browser both print it (UTC, minutes), so hydration never differs. Pure. */
export function formatWhen(at: string | Date | null | undefined): string {
  if (!at) return "never";
  return `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `formatWhen` in a <time> that never wraps inside the date. */
export function When({ at }: { at: string | Date | null | undefined }) {
  return at ? (
    <time dateTime={new Date(at).toISOString()} className="whitespace-nowrap">
      {formatWhen(at)}
    </time>
  ) : (
    <>never</>
  );
}

export function ErrorText({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {error}
    </p>
  );
}

export function Badge({ children, tone = "plain" }: { children: React.ReactNode; tone?: "plain" | "warn" | "good" }) {
  const colors = {
    plain: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
    warn: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
    good: "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200",
  }[tone];
  return <span className={`rounded px-1.5 py-0.5 text-xs ${colors}`}>{children}</span>;
}

/** The page body for a signed-in non-admin on an admin page. */
export function AdminOnly({ what }: { what: string }) {
  return <p className={`text-sm ${mutedText}`}>The {what} page is for admins.</p>;
}

/**
 * A table that scrolls inside its own box on a narrow screen instead of widening the page. Superseded by DataTable
 * (stacked rows on a phone, sorting); kept so branches written against it still build until they move over.
 */
export function ScrollTable({ label, className, children }: { label?: string; className?: string; children: React.ReactNode }) {
  return (
    <div className="overflow-x-auto" data-testid="table-scroll">
      <table className={`w-full text-left text-sm${className ? ` ${className}` : ""}`} aria-label={label}>
        {children}
      </table>
    </div>
  );
}
