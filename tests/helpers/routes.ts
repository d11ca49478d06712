/** Call Next route handlers in-process with real Requests (no server needed), as the tests' admin token. */
import { withAuth } from "./auth";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function call(
  handler: Handler,
  method: string,
  params: Record<string, string> = {},
  body?: unknown,
  rawBody?: string,
): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method };
  if (rawBody !== undefined) init.body = rawBody;
  else if (body !== undefined) init.body = JSON.stringify(body);
  if (init.body !== undefined) init.headers = { "content-type": "application/json" };
  const res = await handler(new Request("http://test.local/api", withAuth(init)), { params: Promise.resolve(params) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
