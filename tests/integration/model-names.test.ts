// A trained model is published under its experiment's name and never silently replaces another model of that name
// (an imported one, or another experiment's): training is refused with 409, and the worker refuses to publish.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as collection from "../../app/api/experiments/route";
import * as pipeline from "../../app/api/experiments/[name]/pipeline/route";
import * as train from "../../app/api/experiments/[name]/train/route";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { registerModel } from "../../worker/train/register";
import { PermanentJobError } from "../../worker/runner";
import { call } from "../helpers/routes";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vs-names-"));
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await db().$disconnect();
});

async function importedModel(name: string) {
  const dir = paths().modelDir(name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.pth`), "imported weights");
  return db().voiceModel.create({ data: { name, sampleRate: 40000, version: "v2", source: "imported", files: [{ kind: "pth", name: `${name}.pth`, bytes: 16 }] } });
}

function artifacts(text: string) {
  const small = path.join(tmp, `${text}.pth`);
  fs.writeFileSync(small, text);
  return { small_model: small };
}

describe("model names", () => {
  it("refuses to train an experiment whose name an imported model holds, and the worker never replaces it", async () => {
    const model = await importedModel("victim");
    expect((await call(collection.POST as never, "POST", {}, { name: "victim" })).status).toBe(201);

    for (const route of [train.POST, pipeline.POST]) {
      const res = await call(route as never, "POST", { name: "victim" }, { epochs: 1 });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.error.code).toBe("model_name_taken");
      expect(res.body.error.message).toMatch(/imported model.*rename this experiment.*or delete that model/);
    }
    expect(await db().job.count({ where: { experiment: { name: "victim" } } })).toBe(0);

    // a training queued before the import (or racing it) is refused at publication, leaving the import intact
    const experiment = await db().experiment.findUniqueOrThrow({ where: { name: "victim" } });
    const run = registerModel({ experiment, artifacts: artifacts("trained weights"), epochs: 3, datasetSeconds: 60, trainParams: {} });
    await expect(run).rejects.toThrow(PermanentJobError);
    await expect(run).rejects.toThrow(/imported model/);
    expect(await db().voiceModel.findUniqueOrThrow({ where: { name: "victim" } })).toMatchObject({ id: model.id, source: "imported", experimentId: null, epochs: null });
    expect(fs.readFileSync(paths().modelFile("victim", "victim.pth"), "utf8")).toBe("imported weights");
  });

  it("lets an experiment replace its own model, keeping the model's id", async () => {
    expect((await call(collection.POST as never, "POST", {}, { name: "own" })).status).toBe(201);
    const experiment = await db().experiment.findUniqueOrThrow({ where: { name: "own" } });
    const first = await registerModel({ experiment, artifacts: artifacts("epoch 3"), epochs: 3, datasetSeconds: 60, trainParams: {} });
    const second = await registerModel({ experiment, artifacts: artifacts("epoch 6"), epochs: 6, datasetSeconds: 60, trainParams: {} });
    expect(second.id).toBe(first.id);
    expect(second.epochs).toBe(6);
    expect(fs.readFileSync(paths().modelFile("own", "own.pth"), "utf8")).toBe("epoch 6");
    const res = await call(train.POST as never, "POST", { name: "own" }, { epochs: 1 });
    expect(res.body.error?.code).not.toBe("model_name_taken");
  });

  it("refuses to replace the model of a deleted experiment with a new experiment of the same name", async () => {
    expect((await call(collection.POST as never, "POST", {}, { name: "reborn" })).status).toBe(201);
    const old = await db().experiment.findUniqueOrThrow({ where: { name: "reborn" } });
    await registerModel({ experiment: old, artifacts: artifacts("old voice"), epochs: 2, datasetSeconds: 60, trainParams: {} });
    await db().experiment.delete({ where: { id: old.id } }); // the model stays (experimentId set to null)
    expect((await call(collection.POST as never, "POST", {}, { name: "reborn" })).status).toBe(201);
    const res = await call(train.POST as never, "POST", { name: "reborn" }, { epochs: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/a model whose experiment was deleted/);
    expect(fs.readFileSync(paths().modelFile("reborn", "reborn.pth"), "utf8")).toBe("old voice");
  });
});
