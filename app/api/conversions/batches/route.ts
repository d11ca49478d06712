import { json, route } from "@/lib/http";
import { listBatches } from "@/lib/conversion-batches";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** ?limit=1..100 (20): recent batches, newest first (without their clip lists). */
export const GET = route("viewer", async (req) => json({ batches: await listBatches(new URL(req.url).searchParams.get("limit")) }));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
