import type { ReactNode } from "react";

/** What a list shows when it has nothing yet: one sentence, and where to start. */
export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-start gap-3 rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-sm text-zinc-600 sm:items-center sm:text-center dark:border-zinc-700 dark:text-zinc-400"
    >
      <div>{children}</div>
      {action}
    </div>
  );
}
