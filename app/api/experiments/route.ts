import { createExperiment as createSpec, listExperiments as listSpec } from "@/lib/api/experiments";
import { createExperiment, listExperiments } from "@/lib/experiments";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(listSpec, async ({ reply }) => reply(200, { experiments: await listExperiments() }));

export const POST = route(createSpec, async ({ body, reply }) => reply(201, await createExperiment(body)));
