import { route } from "@/lib/http";
import { deleteFile } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string; id: string }> };

export const DELETE = route("member", async (_req, { params }: Ctx) => {
  const { name, id } = await params;
  await deleteFile(name, id);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
