/**
 * Blind A/B listening tests (issue 15) through the real route handlers: a pending test never names an epoch (body,
 * URLs, audio headers), the answer is stored once and reveals the epochs, bad input is refused with the data intact,
 * viewers read but never write, and only the creator (or an admin) answers.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as testsRoute from "../../app/api/experiments/[name]/listening-tests/route";
import * as audioRoute from "../../app/api/experiments/[name]/listening-tests/[id]/audio/[label]/route";
import * as answerRoute from "../../app/api/experiments/[name]/listening-tests/[id]/answer/route";
import * as checkpointsRoute from "../../app/api/experiments/[name]/checkpoints/route";
import { createExperiment } from "../../lib/experiments";
import { createUser } from "../../lib/auth/users";
import { createToken } from "../../lib/auth/api-tokens";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { encodeWavFloat32 } from "../../worker/dsp/wav";
import { testToken, withAuth } from "../helpers/auth";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const tag = Date.now().toString(36);
const name = `ab-${tag}`;
const tokens: Record<"viewer" | "other", string> = {} as never;
const previews = new Map<number, Buffer>();

async function as(token: string, handler: unknown, method: string, params: Record<string, string>, body?: unknown, raw?: string) {
  const init: RequestInit = { method };
  if (raw !== undefined || body !== undefined) {
    init.body = raw ?? JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const res = await (handler as Handler)(new Request(`http://test.local/api/experiments/${name}/listening-tests`, withAuth(init, token)), { params: Promise.resolve(params) });
  return res;
}
async function jsonOf(res: Response) {
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const admin = (handler: unknown, method: string, params: Record<string, string>, body?: unknown, raw?: string) => as(testToken(), handler, method, params, body, raw).then(jsonOf);

/** a distinct tone per epoch, so that the bytes tell which preview a clip is */
function tone(epoch: number): Buffer {
  const sr = 16000;
  const x = new Float32Array(sr / 2);
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 110 * epoch * i) / sr);
  return Buffer.from(encodeWavFloat32(x, sr));
}

beforeAll(async () => {
  await createExperiment({ name, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
  const expDir = paths().experimentDir(name);
  fs.mkdirSync(path.join(expDir, "previews"), { recursive: true });
  const checkpoints = [];
  for (const epoch of [1, 2, 3]) {
    previews.set(epoch, tone(epoch));
    fs.writeFileSync(path.join(expDir, "previews", `e${epoch}.wav`), previews.get(epoch)!);
    fs.writeFileSync(path.join(expDir, `G_${epoch * 10}.pth`), "stand-in");
    checkpoints.push({ epoch, step: epoch * 10, reason: "save", at: new Date().toISOString(), g: `G_${epoch * 10}.pth` });
  }
  fs.writeFileSync(path.join(expDir, "train-state.json"), JSON.stringify({ completedEpochs: 3, checkpoints }));
  for (const role of ["viewer", "member"] as const) {
    const u = await createUser({ name: `ab-${role}-${tag}`, password: `ab-${role}-${tag}-password`, role });
    tokens[role === "viewer" ? "viewer" : "other"] = (await createToken(u.id, { name: "tests", scope: "write" })).secret;
  }
});
afterAll(async () => {
  fs.rmSync(paths().experimentDir(name), { recursive: true, force: true });
  await db().experiment.deleteMany({ where: { name } });
  await db().$disconnect();
});

describe("blind A/B listening tests", () => {
  it("create → two opaque clips → answer stores and reveals; the tally and the checkpoints answer count it", async () => {
    const created = await admin(testsRoute.POST, "POST", { name }, { epochs: [1, 3] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const test = created.body.test;
    expect(test.status).toBe("pending");
    expect(Object.keys(test).sort()).toEqual(["audio", "createdAt", "createdById", "id", "status"]);
    expect(JSON.stringify(test)).not.toMatch(/epoch/i);
    expect(test.audio).toEqual({ A: `/api/experiments/${name}/listening-tests/${test.id}/audio/A`, B: `/api/experiments/${name}/listening-tests/${test.id}/audio/B` });

    const clips: Record<string, Buffer> = {};
    for (const label of ["A", "B"]) {
      const res = await as(testToken(), audioRoute.GET, "GET", { name, id: test.id, label });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("audio/wav");
      for (const [k, v] of res.headers) expect(`${k}: ${v}`).not.toMatch(/epoch|e[13]\.wav|\be[13]\b/i);
      clips[label] = Buffer.from(await res.arrayBuffer());
    }
    // the two clips are the two previews, one each
    const epochOf = (b: Buffer) => [...previews].find(([, p]) => p.equals(b))?.[0];
    const heard = [epochOf(clips.A!), epochOf(clips.B!)];
    expect([...heard].sort()).toEqual([1, 3]);

    const listed = await admin(testsRoute.GET, "GET", { name });
    expect(listed.status).toBe(200);
    expect(listed.body.tests[0]).toEqual(test);

    const answered = await admin(answerRoute.POST, "POST", { name, id: test.id }, { choice: "A" });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.test).toMatchObject({ id: test.id, status: "answered", choice: "A", epochA: heard[0], epochB: heard[1], winner: heard[0] });
    const row = await db().listeningTest.findUniqueOrThrow({ where: { id: test.id } });
    expect(row.winner).toBe(heard[0]);
    expect(row.answeredAt).not.toBeNull();

    const again = await admin(answerRoute.POST, "POST", { name, id: test.id }, { choice: "B" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_answered");
    expect((await db().listeningTest.findUniqueOrThrow({ where: { id: test.id } })).winner).toBe(heard[0]);

    // a "no difference" answer is a tie for both
    const second = await admin(testsRoute.POST, "POST", { name }, { epochs: [2, 3] });
    const none = await admin(answerRoute.POST, "POST", { name, id: second.body.test.id }, { choice: "none" });
    expect(none.body.test.winner).toBeNull();
    expect(none.body.test.choice).toBe("none");

    const after = await admin(testsRoute.GET, "GET", { name });
    const loser = heard[1]!;
    const winner = heard[0]!;
    const tallyOf = (e: number) => after.body.tally.find((t: { epoch: number }) => t.epoch === e);
    expect(tallyOf(winner)).toMatchObject({ wins: 1, losses: 0 });
    expect(tallyOf(loser)).toMatchObject({ wins: 0, losses: 1, ties: loser === 3 ? 1 : 0 });
    expect(tallyOf(2)).toEqual({ epoch: 2, wins: 0, losses: 0, ties: 1 });

    const cps = await admin(checkpointsRoute.GET, "GET", { name });
    expect(cps.status).toBe(200);
    const cp = (e: number) => cps.body.checkpoints.find((c: { epoch: number }) => c.epoch === e);
    expect(cp(winner)).toMatchObject({ abWins: 1, abLosses: 0 });
    expect(cp(loser)).toMatchObject({ abWins: 0, abLosses: 1 });
    expect(cp(2)).toMatchObject({ abWins: 0, abLosses: 0 });
  });

  it("assigns A and B at random", async () => {
    const orders = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const r = await admin(testsRoute.POST, "POST", { name }, { epochs: [1, 2] });
      expect(r.status).toBe(201);
      orders.add((await db().listeningTest.findUniqueOrThrow({ where: { id: r.body.test.id } })).epochA);
    }
    expect([...orders].sort()).toEqual([1, 2]); // a fixed order fails this; a fair coin does with p = 2^-23
  });

  it("refuses bad input with the API's error shape and stores nothing", async () => {
    const before = await db().listeningTest.count();
    const cases: [unknown, number, string][] = [
      [{ epochs: [2, 2] }, 400, "invalid_epochs"],
      [{ epochs: [1] }, 400, "invalid_epochs"],
      [{ epochs: [1, 2, 3] }, 400, "invalid_epochs"],
      [{ epochs: [1, "x"] }, 400, "invalid_epochs"],
      [{ epochs: Array.from({ length: 100_000 }, (_, i) => i) }, 400, "invalid_epochs"],
      [{ epochs: [1, 2], extra: 1 }, 400, "unknown_field"],
      [{ epochs: [1, 9] }, 404, "preview_not_found"],
    ];
    for (const [body, status, code] of cases) {
      const r = await admin(testsRoute.POST, "POST", { name }, body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(r.body.error.code).toBe(code);
    }
    const unknown = await admin(testsRoute.POST, "POST", { name }, { epochs: [1, 9] });
    expect(unknown.body.error.details).toEqual({ missing: [9], available: [1, 2, 3] });
    const noExp = await admin(testsRoute.POST, "POST", { name: `${name}-none` }, { epochs: [1, 2] });
    expect(noExp.status).toBe(404);
    expect(noExp.body.error.code).toBe("experiment_not_found");
    expect(await db().listeningTest.count()).toBe(before);

    const pending = (await admin(testsRoute.POST, "POST", { name }, { epochs: [1, 2] })).body.test;
    for (const choice of ["C", "", 1, null]) {
      const r = await admin(answerRoute.POST, "POST", { name, id: pending.id }, { choice });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("invalid_choice");
    }
    expect((await db().listeningTest.findUniqueOrThrow({ where: { id: pending.id } })).answeredAt).toBeNull();
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "x".repeat(200)]) {
      const r = await admin(answerRoute.POST, "POST", { name, id }, { choice: "A" });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("listening_test_not_found");
      const a = await as(testToken(), audioRoute.GET, "GET", { name, id, label: "A" });
      expect(a.status).toBe(404);
    }
    const badLabel = await jsonOf(await as(testToken(), audioRoute.GET, "GET", { name, id: pending.id, label: "C" }));
    expect(badLabel.status).toBe(400);
    expect(badLabel.body.error.code).toBe("invalid_label");
  });

  it("viewers read but never write; another member cannot answer someone else's test", async () => {
    const viewerCreate = await jsonOf(await as(tokens.viewer, testsRoute.POST, "POST", { name }, { epochs: [1, 2] }));
    expect(viewerCreate.status).toBe(403);
    expect(viewerCreate.body.error.code).toBe("forbidden");
    const pending = (await admin(testsRoute.POST, "POST", { name }, { epochs: [1, 2] })).body.test;
    const viewerAnswer = await jsonOf(await as(tokens.viewer, answerRoute.POST, "POST", { name, id: pending.id }, { choice: "A" }));
    expect(viewerAnswer.status).toBe(403);
    expect((await as(tokens.viewer, audioRoute.GET, "GET", { name, id: pending.id, label: "B" })).status).toBe(200);
    expect((await jsonOf(await as(tokens.viewer, testsRoute.GET, "GET", { name }))).status).toBe(200);

    const otherAnswer = await jsonOf(await as(tokens.other, answerRoute.POST, "POST", { name, id: pending.id }, { choice: "A" }));
    expect(otherAnswer.status).toBe(403);
    expect(otherAnswer.body.error.code).toBe("not_owner");
    expect((await db().listeningTest.findUniqueOrThrow({ where: { id: pending.id } })).answeredAt).toBeNull();
    const mine = await jsonOf(await as(tokens.other, testsRoute.POST, "POST", { name }, { epochs: [2, 3] }));
    expect(mine.status).toBe(201);
    const answered = await jsonOf(await as(tokens.other, answerRoute.POST, "POST", { name, id: mine.body.test.id }, { choice: "B" }));
    expect(answered.status).toBe(200);
  });
});
