/**
 * The `probe` train option (issue 15) through the real train and pipeline routes: a slice name or an uploaded file's
 * id of the experiment is queued; an unknown one is refused (422 `unknown_probe`, naming some slices), a malformed
 * one 400, and nothing is queued for a refused request.
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as trainRoute from "../../app/api/experiments/[name]/train/route";
import * as pipelineRoute from "../../app/api/experiments/[name]/pipeline/route";
import { createExperiment } from "../../lib/experiments";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { cancelJob } from "../../lib/jobs";
import { call } from "../helpers/routes";

const tag = Date.now().toString(36);
const name = `probe-${tag}`;
const other = `probe-other-${tag}`;
let fileId: string;
let unslicedId: string;
let otherFileId: string;

async function addFile(experimentId: string) {
  const id = randomUUID();
  await db().audioFile.create({ data: { id, experimentId, originalName: `${id}.wav`, storedName: `${id}.wav`, bytes: 10n, sha256: id } });
  return id;
}

beforeAll(async () => {
  const exp = await createExperiment({ name, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
  const otherExp = await createExperiment({ name: other, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
  fileId = await addFile(exp.id);
  unslicedId = await addFile(exp.id);
  otherFileId = await addFile(otherExp.id);
  const gt = paths().experimentSubdir(name, "gtWavs");
  fs.mkdirSync(gt, { recursive: true });
  for (const s of ["0_0", "0_1", "1_2", "1_10"]) fs.writeFileSync(path.join(gt, `${s}.wav`), "");
  fs.writeFileSync(path.join(paths().experimentDir(name), "preprocess.json"), JSON.stringify({ version: 1, sampleRate: 40000, per: 3.7, sources: { [fileId]: { idx0: 1 } } }));
});
afterAll(async () => {
  for (const j of await db().job.findMany({ where: { experiment: { name: { in: [name, other] } }, status: { in: ["queued", "running"] } } })) await cancelJob(j.id).catch(() => undefined);
  for (const n of [name, other]) fs.rmSync(paths().experimentDir(n), { recursive: true, force: true });
  await db().job.deleteMany({ where: { experiment: { name: { in: [name, other] } } } });
  await db().experiment.deleteMany({ where: { name: { in: [name, other] } } });
  await db().$disconnect();
});

const jobs = () => db().job.count({ where: { experiment: { name } } });

describe("the probe train option", () => {
  it("refuses a probe that names no slice or file of the experiment (422) or is malformed (400); queues nothing", async () => {
    const before = await jobs();
    for (const probe of ["9_9", otherFileId, randomUUID()]) {
      const r = await call(trainRoute.POST as never, "POST", { name }, { epochs: 2, probe });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error.code).toBe("unknown_probe");
      expect(r.body.error.details.probe).toBe(probe);
    }
    const slice = await call(trainRoute.POST as never, "POST", { name }, { probe: "9_9" });
    expect(slice.body.error.details.examples).toEqual(["0_0", "0_1", "1_10", "1_2"]);
    // an upload of the experiment that preprocess has not sliced yet: not for train, fine for the pipeline (it slices first)
    const unsliced = await call(trainRoute.POST as never, "POST", { name }, { probe: unslicedId });
    expect(unsliced.status).toBe(422);
    expect(unsliced.body.error.message).toContain("run preprocess first");
    for (const probe of ["../etc/passwd", "", "a b", "x".repeat(129), 7]) {
      const r = await call(trainRoute.POST as never, "POST", { name }, { probe });
      expect(r.status, String(probe)).toBe(400);
      expect(r.body.error.code).toBe("invalid_probe");
    }
    const pipe = await call(pipelineRoute.POST as never, "POST", { name }, { probe: "9_9" });
    expect(pipe.status).toBe(422);
    expect(await jobs()).toBe(before);
  });

  it("queues a slice name or an uploaded file's id, kept in the job's options", async () => {
    const bySlice = await call(trainRoute.POST as never, "POST", { name }, { epochs: 2, probe: "0_1" });
    expect(bySlice.status, JSON.stringify(bySlice.body)).toBe(202);
    const job = await db().job.findUniqueOrThrow({ where: { id: bySlice.body.job.id } });
    expect((job.params as { probe?: string }).probe).toBe("0_1");
    await cancelJob(job.id);
    const byFile = await call(trainRoute.POST as never, "POST", { name }, { epochs: 2, probe: fileId });
    expect(byFile.status, JSON.stringify(byFile.body)).toBe(202);
    expect(((await db().job.findUniqueOrThrow({ where: { id: byFile.body.job.id } })).params as { probe?: string }).probe).toBe(fileId);
    await cancelJob(byFile.body.job.id);
  });
});
