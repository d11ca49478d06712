import { createExperiment as createSpec, listExperiments as listSpec } from "@/lib/api/experiments";
import { createExperiment, listExperiments } from "@/lib/experiments";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(listSpec, async ({ reply }) => reply(200, { experiments: await listExperiments() }));

export const POST = route(createSpec, async ({ body, reply }) => reply(201, await createExperiment(body)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
