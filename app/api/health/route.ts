import { health } from "@/lib/health";
import { json, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const { status, body } = await health();
  return json(body, status);
});
