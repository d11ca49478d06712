import { json, route } from "@/lib/http";
import { deleteModel, getModel } from "@/lib/models";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route("viewer", async (_req, { params }: Ctx) => json(await getModel((await params).id)));

export const DELETE = route("member", async (_req, { params }: Ctx) => {
  await deleteModel((await params).id);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
