/** A problem with one input file or with what a model returned for it: the file fails alone, with this message. */
export class ExtractInputError extends Error {
  constructor(
    message: string,
    readonly code: "too-short" | "not-finite" | "model-output" | "model-input",
  ) {
    super(message);
    this.name = "ExtractInputError";
  }
}

/** Thrown between chunks when the caller's AbortSignal fires. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    throw reason instanceof Error ? reason : new Error("aborted");
  }
}
