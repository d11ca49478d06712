import { route } from "@/lib/http";
import { batchZip } from "@/lib/conversion-batches";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The succeeded outputs as one zip (streamed), named after their inputs. */
export const GET = route("viewer", async (_req, { params }: { params: Promise<{ id: string }> }) => {
  const z = await batchZip((await params).id);
  return new Response(z.body, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${z.name.replace(/"/g, "")}"` },
  });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
