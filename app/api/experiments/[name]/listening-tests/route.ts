import { createListeningTest as createSpec, listListeningTests as listSpec } from "@/lib/api/listening-tests";
import { createListeningTest, listListeningTests } from "@/lib/listening-tests";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(listSpec, async ({ params, reply }) => reply(200, await listListeningTests(params.name)));

/** {epochs: [a, b]} → 201 {test}: pending, A and B in a random order, no epoch in the answer. */
export const POST = route(createSpec, async ({ params, body, note, reply }) => {
  const test = await createListeningTest(params.name, body.epochs);
  note({ action: "listening_test.create", target: { type: "experiment", name: params.name } });
  return reply(201, { test });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
