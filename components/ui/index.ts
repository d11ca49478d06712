/** The design system: every page builds from these (docs/architecture.md, "User interface"). */
export * from "./basics";
export { Field } from "./Field";
