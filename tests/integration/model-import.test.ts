import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as importRoute from "../../app/api/models/import/route";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { runJob } from "../../worker/runner";
import { exportOnnx } from "../../worker/train/export-job";
import { PY, trainerAvailable, makeTinySmallModel } from "../helpers/pipeline";
import { authed } from "../helpers/auth";

const ready = trainerAvailable();
let dir: string;
let smallModel: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-import-"));
  if (!ready) return;
  smallModel = path.join(dir, "tiny-voice.pth");
  // a real (tiny) RVC small model, made by our trainer package from the tests' tiny configuration
  makeTinySmallModel(smallModel, { sr: 32000, epoch: 7 });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

async function post(files: Record<string, { name: string; bytes: Uint8Array }>, name?: string) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(files)) fd.append(k, new File([Uint8Array.from(v.bytes)], v.name));
  if (name) fd.append("name", name);
  const res = await (importRoute.POST as (r: Request) => Promise<Response>)(authed("http://t/api/models/import", { method: "POST", body: fd }));
  return { status: res.status, body: (await res.json()) as any };
}

const modelDirs = () => (fs.existsSync(path.dirname(paths().modelDir("x"))) ? fs.readdirSync(path.dirname(paths().modelDir("x"))) : []);

describe.skipIf(!ready)(`model import${ready ? "" : " (skipped: /usr/bin/python3 lacks torch)"}`, () => {
  it("accepts a real RVC small model with an index, then exports it to ONNX", async () => {
    const index = new Uint8Array([0x49, 0x77, 0x46, 0x6c, 1, 2, 3, 4]); // "IwFl", FAISS IVF-Flat's code
    const res = await post({ pth: { name: "Tiny Voice.pth", bytes: fs.readFileSync(smallModel) }, index: { name: "added_IVF1_Flat.index", bytes: index } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.model).toMatchObject({ name: "tiny-voice", sampleRate: 32000, version: "v2", f0: true, epochs: 7, source: "imported" });
    expect(res.body.model.files.map((f: { kind: string }) => f.kind).sort()).toEqual(["card", "index", "pth"]);
    expect(fs.readFileSync(paths().modelFile("tiny-voice", "tiny-voice.pth"))).toEqual(fs.readFileSync(smallModel));

    await runJob(res.body.job.id, exportOnnx, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
    const job = await db().job.findUniqueOrThrow({ where: { id: res.body.job.id } });
    expect(job.status, job.error ?? "").toBe("succeeded");
    const model = await db().voiceModel.findUniqueOrThrow({ where: { name: "tiny-voice" } });
    expect((model.files as { kind: string }[]).map((f) => f.kind).sort()).toEqual(["card", "index", "onnx", "pth"]);
    expect(fs.statSync(paths().modelFile("tiny-voice", "tiny-voice.onnx")).size).toBeGreaterThan(1000);

    const again = await post({ pth: { name: "tiny-voice.pth", bytes: fs.readFileSync(smallModel) } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("model_exists");
  }, 180_000);

  it("refuses a .pth that is not an RVC model and a text file renamed .pth, keeping nothing", async () => {
    const other = path.join(dir, "other.pth");
    execFileSync(PY, ["-c", "import torch, sys; torch.save({'model': {'w': torch.zeros(3)}}, sys.argv[1])", other]);
    const before = modelDirs();
    const rows = await db().voiceModel.count();

    const notRvc = await post({ pth: { name: "other.pth", bytes: fs.readFileSync(other) } });
    expect(notRvc.status).toBe(422);
    expect(notRvc.body.error.code).toBe("not_an_rvc_model");
    expect(notRvc.body.error.message).toMatch(/"other.pth" is not an RVC model: .*is not an RVC small model/);

    const text = await post({ pth: { name: "text.pth", bytes: new TextEncoder().encode("just some text\n") } });
    expect(text.status).toBe(422);
    expect(text.body.error.message).toMatch(/not a PyTorch file/);

    const badIndex = await post({ pth: { name: "x.pth", bytes: fs.readFileSync(smallModel) }, index: { name: "x.index", bytes: new TextEncoder().encode("nope") } });
    expect(badIndex.status).toBe(422);
    expect(badIndex.body.error.code).toBe("not_a_faiss_index");

    expect(modelDirs()).toEqual(before);
    expect(await db().voiceModel.count()).toBe(rows);
    expect(fs.existsSync(path.join(paths().dataRoot, "imports")) ? fs.readdirSync(path.join(paths().dataRoot, "imports")) : []).toEqual([]);
  }, 120_000);
});
