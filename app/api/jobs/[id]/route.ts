import { getJob } from "@/lib/jobs";
import { json, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async (_req, { params }: { params: Promise<{ id: string }> }) =>
  json(await getJob((await params).id)),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
