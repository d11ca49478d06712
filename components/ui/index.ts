/** The design system: every page builds from these (docs/architecture.md, "User interface"). */
export * from "./basics";
export { Field, type FieldControl } from "./Field";
export { PageHeader } from "./PageHeader";
export { Card } from "./Card";
export { DataTable, type Column } from "./DataTable";
export { StatusBadge, statusTone } from "./StatusBadge";
export { EmptyState } from "./EmptyState";
export { ConfirmDialog, ConfirmProvider, useConfirm, type ConfirmOptions } from "./ConfirmDialog";
export { ToastProvider, useToast } from "./Toasts";
export { UiProviders } from "./Providers";
