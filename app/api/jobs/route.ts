import { listJobs } from "@/lib/jobs";
import { json, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async (req) => {
  const q = new URL(req.url).searchParams;
  return json({
    jobs: await listJobs({
      experiment: q.get("experiment") ?? undefined,
      status: q.get("status") ?? undefined,
      kind: q.get("kind") ?? undefined,
    }),
  });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
