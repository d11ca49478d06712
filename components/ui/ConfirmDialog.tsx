"use client";
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { dangerButton, primaryButton, secondaryButton } from "./basics";

export interface ConfirmOptions {
  title: string;
  message?: ReactNode;
  /** the confirm button's text, e.g. "Delete" */
  confirmLabel: string;
  /** a red confirm button for what cannot be undone */
  danger?: boolean;
}

/**
 * An accessible confirmation: a native modal <dialog> (the page behind is inert, so focus stays inside; Escape
 * cancels). Focus starts on Cancel, so Enter never deletes by accident.
 */
export function ConfirmDialog({ open, options, onAnswer }: { open: boolean; options: ConfirmOptions | null; onAnswer: (yes: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const messageId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={options?.message ? messageId : undefined}
      data-testid="confirm-dialog"
      // Escape: the browser fires "cancel" and then closes the dialog
      onCancel={(e) => {
        e.preventDefault();
        onAnswer(false);
      }}
      // a click on the backdrop (the dialog element itself, outside its box) cancels too
      onClick={(e) => {
        if (e.target === ref.current) onAnswer(false);
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      {options && (
        <div className="space-y-4 p-5">
          <h2 id={titleId} className="text-lg font-semibold">
            {options.title}
          </h2>
          {options.message && (
            <div id={messageId} className="text-sm text-zinc-700 dark:text-zinc-300">
              {options.message}
            </div>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" autoFocus className={secondaryButton} onClick={() => onAnswer(false)}>
              Cancel
            </button>
            <button type="button" className={options.danger ? dangerButton : primaryButton} onClick={() => onAnswer(true)}>
              {options.confirmLabel}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

type Ask = (options: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Ask | null>(null);

/** One ConfirmDialog for the page; `useConfirm()` asks through it. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [asking, setAsking] = useState<{ options: ConfirmOptions; resolve: (yes: boolean) => void } | null>(null);
  const ask = useCallback<Ask>(
    (options) =>
      new Promise<boolean>((resolve) => {
        setAsking((prev) => {
          prev?.resolve(false); // a second question replaces an unanswered one
          return { options, resolve };
        });
      }),
    [],
  );
  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <ConfirmDialog
        open={asking !== null}
        options={asking?.options ?? null}
        onAnswer={(yes) => {
          asking?.resolve(yes);
          setAsking(null);
        }}
      />
    </ConfirmContext.Provider>
  );
}

/** `await confirm({ title, message, confirmLabel, danger })` resolves true when the user confirms. */
export function useConfirm(): Ask {
  const ask = useContext(ConfirmContext);
  if (!ask) throw new Error("useConfirm needs a <ConfirmProvider> (app/layout.tsx mounts one)");
  return ask;
}
