import { getExperimentRow } from "@/lib/experiments";
import { route } from "@/lib/http";
import { sseResponse } from "@/lib/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req, { params }: { params: Promise<{ name: string }> }) => {
  const experiment = await getExperimentRow((await params).name);
  return sseResponse(req, { experimentId: experiment.id });
});
