/** tus 1.0.0 endpoint (see lib/uploads/tus.ts): POST creates, HEAD/PATCH resume, DELETE terminates. Members only. */
import { tusEndpoint } from "@/lib/api/uploads";
import { route } from "@/lib/http";
import { handleTus } from "@/lib/uploads/tus";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// one Activity row per upload created, not one per chunk
const tus = route(tusEndpoint, async ({ req, note }) => {
  if (req.method !== "POST") note(false);
  else note({ action: "upload.create", target: { type: "upload" } });
  return handleTus(req);
});

export const GET = tus;
export const HEAD = tus;
export const POST = tus;
export const PATCH = tus;
export const DELETE = tus;
export const OPTIONS = tus;

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT } = otherMethods("GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS");
