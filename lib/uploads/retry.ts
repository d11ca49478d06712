/**
 * Whether the browser's tus client should try a failed upload request again. Pure (runs in the browser).
 * tus-js-client's default retries every 409 and 423; our server also answers 409 `duplicate_file` when the finished
 * upload's content is already in the experiment, and retrying that sends the whole file again to get the same answer.
 * Retried: no response (network), 5xx except 507 (a full disk stays full), 423, and 409 `offset_conflict` (the client
 * asks for the offset again). Everything else in 4xx is the server's final answer.
 */
export function shouldRetryUpload(status: number, errorCode: string | undefined): boolean {
  if (status === 0) return true;
  if (status >= 500) return status !== 507;
  if (status === 423) return true;
  if (status === 409) return errorCode === "offset_conflict";
  return false;
}

/** The `error.code` of a JSON error body (`{ error: { code } }`), or undefined. */
export function errorCodeOf(body: string | undefined | null): string | undefined {
  if (!body) return undefined;
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } })?.error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
