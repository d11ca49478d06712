import { cloneElement, isValidElement, useId, type AriaAttributes, type ReactElement, type ReactNode } from "react";

type Control = ReactElement<{ id?: string } & Pick<AriaAttributes, "aria-describedby" | "aria-invalid">>;

/**
 * One form field: a label, its control (an <input>, <select> or <textarea> given as the only child), a help line and
 * an error. The control gets an id (its own if it has one), `aria-describedby` naming the help and the error, and
 * `aria-invalid` while there is an error, so a screen reader reads all three with the control.
 * No hooks besides useId: usable in server and client components.
 */
export function Field({
  label,
  help,
  error,
  children,
  className,
}: {
  label: ReactNode;
  help?: ReactNode;
  error?: string | null;
  children: Control;
  className?: string;
}) {
  const auto = useId();
  if (!isValidElement(children)) throw new Error("Field needs one control element as its child");
  const id = children.props.id ?? `field${auto}`;
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [children.props["aria-describedby"], helpId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`block text-sm ${className ?? ""}`}>
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {cloneElement(children, { id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {help && (
        <p id={helpId} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {help}
        </p>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
