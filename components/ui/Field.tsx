import { useId, type ReactNode } from "react";

/** The attributes `Field` hands to its control. */
export interface FieldControl {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

/**
 * One form field: a label, its control, a help line and an error, tied together for screen readers. `children`
 * renders the control from the attributes it must carry: its `id` (the label's `htmlFor`), `aria-describedby`
 * naming the help and the error, and `aria-invalid` while there is an error. `inline`: a checkbox beside its label.
 * No hooks besides useId: usable in server and client components.
 */
export function Field({
  label,
  help,
  error,
  inline = false,
  className,
  children,
}: {
  label: ReactNode;
  help?: ReactNode;
  error?: string | null;
  inline?: boolean;
  className?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const id = `field${useId()}`;
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(" ") || undefined;
  const control = children({ id, ...(describedBy ? { "aria-describedby": describedBy } : {}), ...(error ? { "aria-invalid": true as const } : {}) });
  return (
    <div className={`min-w-0 text-sm${className ? ` ${className}` : ""}`}>
      {inline ? (
        <label htmlFor={id} className="flex items-center gap-2">
          {control}
          {label}
        </label>
      ) : (
        <>
          <label htmlFor={id} className="block font-medium">
            {label}
          </label>
          {control}
        </>
      )}
      {help && (
        <p id={helpId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {help}
        </p>
      )}
      {error && (
        <p id={errorId} role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
