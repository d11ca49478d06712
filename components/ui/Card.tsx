import type { HTMLAttributes, ReactNode } from "react";
import { cardClass } from "./basics";

/**
 * A bordered box of the page (a <section>; a landmark when it has a name). `title` is its <h2>; `label` names the
 * region when the heading carries more than the name (e.g. "Files (3)" is named "Files").
 */
export function Card({
  title,
  label,
  actions,
  children,
  className,
  ...rest
}: { title?: ReactNode; label?: string; actions?: ReactNode; children: ReactNode } & HTMLAttributes<HTMLElement>) {
  return (
    <section aria-label={label} className={`${cardClass} space-y-3 ${className ?? ""}`} {...rest}>
      {(title || actions) && (
        <div className="flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="font-semibold">{title}</h2>}
          {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}
