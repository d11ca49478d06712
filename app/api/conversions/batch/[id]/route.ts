import { json, route } from "@/lib/http";
import { getBatch } from "@/lib/conversion-batches";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The batch: status, done/total, failed, skipped inputs and every clip's conversion. */
export const GET = route("viewer", async (_req, { params }: { params: Promise<{ id: string }> }) => json(await getBatch((await params).id)));
