import { getJob } from "@/lib/jobs";
import { route } from "@/lib/http";
import { sseResponse } from "@/lib/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req, { params }: { params: Promise<{ id: string }> }) => {
  const job = await getJob((await params).id);
  return sseResponse(req, { jobId: job.id });
});
