import { answerListeningTest as spec } from "@/lib/api/listening-tests";
import { answerListeningTest } from "@/lib/listening-tests";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** {choice: "A" | "B" | "none"} → 200 {test}: stored once, with the epochs behind A and B revealed. */
export const POST = route(spec, async ({ params, body, note, reply }) => {
  const test = await answerListeningTest(params.name, params.id, body.choice);
  note({ action: "listening_test.answer", target: { type: "experiment", name: params.name }, details: { id: test.id, winner: test.winner } });
  return reply(200, { test });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
