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
