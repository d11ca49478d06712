/**
 * What @tus/server answers, made to fit the rest of the API: every refusal is JSON in the API's error shape with
 * `content-type: application/json` (tus answers its own errors, and ours, as text/plain), and no
 * `Access-Control-*` headers (tus allows any origin by default; the app is same-origin, so CORS is dropped).
 */

const TUS_CODES: Record<number, string> = {
  400: "invalid_request",
  403: "missing_header",
  404: "upload_not_found",
  409: "offset_conflict",
  410: "upload_gone",
  412: "tus_version_required",
  413: "upload_too_large",
  501: "not_supported",
};

/** A refusal's body as the API's error JSON: ours pass through, tus's plain text is wrapped. Pure. */
export function errorBodyJson(status: number, text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed?.error?.code === "string" && typeof parsed.error.message === "string") return text;
  } catch {
    // tus's own plain text
  }
  const code = TUS_CODES[status] ?? (status >= 500 ? "upload_failed" : "upload_refused");
  const message = text.trim() || `The upload request was refused (HTTP ${status})`;
  return JSON.stringify({ error: { code, message } });
}

export const isCorsHeader = (name: string) => /^access-control-/i.test(name);

/** The tus response without CORS headers, and with a JSON body when it is an error. */
export async function tidyTusResponse(res: Response): Promise<Response> {
  const headers = new Headers();
  res.headers.forEach((value, name) => {
    if (!isCorsHeader(name)) headers.set(name, value);
  });
  const init = { status: res.status, statusText: res.statusText, headers };
  if (res.status < 400) return new Response(res.body, init);
  const body = errorBodyJson(res.status, res.body ? await res.text() : "");
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("content-length", String(Buffer.byteLength(body)));
  return new Response(body, init);
}
