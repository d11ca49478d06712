"use client";
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";

export type ToastTone = "success" | "error" | "info";
interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

type Show = (message: string, tone?: ToastTone) => void;
const ToastContext = createContext<Show | null>(null);

/** How long a toast stays unless closed; errors stay until closed. */
const TOAST_MS = 6000;

const TONE = {
  success: "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100",
  error: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
  info: "border-zinc-300 bg-white text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100",
} as const;

/**
 * Short notes of what just happened ("Deleted", "Saved", an error of a background action) in the corner of the
 * screen. The list is one polite live region that is always in the page, so screen readers announce each new one.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback<Show>((message, tone = "success") => {
    const id = next.current++;
    setToasts((t) => [...t.slice(-3), { id, message, tone }]);
  }, []);
  const close = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div
        aria-live="polite"
        aria-label="Notifications"
        role="region"
        className="pointer-events-none fixed inset-x-4 bottom-4 z-50 flex flex-col items-stretch gap-2 sm:left-auto sm:w-96"
      >
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onClose={close} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onClose }: { toast: Toast; onClose: (id: number) => void }) {
  useEffect(() => {
    if (toast.tone === "error") return;
    const timer = setTimeout(() => onClose(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast, onClose]);
  return (
    <div data-testid="toast" data-tone={toast.tone} className={`pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ${TONE[toast.tone]}`}>
      <p className="min-w-0 flex-1 break-words">{toast.message}</p>
      <button type="button" aria-label="Dismiss" className="shrink-0 rounded px-1 leading-none opacity-80 hover:opacity-100" onClick={() => onClose(toast.id)}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

/** `toast("Deleted")`, `toast(err.message, "error")`. */
export function useToast(): Show {
  const show = useContext(ToastContext);
  if (!show) throw new Error("useToast needs a <ToastProvider> (app/layout.tsx mounts one)");
  return show;
}
