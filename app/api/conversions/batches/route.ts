import { json, route } from "@/lib/http";
import { listBatches } from "@/lib/conversion-batches";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** ?limit=1..100 (20): recent batches, newest first (without their clip lists). */
export const GET = route("viewer", async (req) => json({ batches: await listBatches(new URL(req.url).searchParams.get("limit")) }));
