import { json, route } from "@/lib/http";
import { getBatch } from "@/lib/conversion-batches";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The batch: status, done/total, failed, skipped inputs and every clip's conversion. */
export const GET = route("viewer", async (_req, { params }: { params: Promise<{ id: string }> }) => json(await getBatch((await params).id)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
