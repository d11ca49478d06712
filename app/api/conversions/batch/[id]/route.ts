import { getConversionBatch as getSpec } from "@/lib/api/batches";
import { route } from "@/lib/http";
import { getBatch } from "@/lib/conversion-batches";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The batch: status, done/total, failed, skipped inputs and every clip's conversion. */
export const GET = route(getSpec, async ({ params, reply }) => reply(200, await getBatch(params.id)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
