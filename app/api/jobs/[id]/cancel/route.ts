import { cancelJob } from "@/lib/jobs";
import { json, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route("member", async (_req, { params }: { params: Promise<{ id: string }> }) =>
  json({ job: await cancelJob((await params).id) }, 202),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
