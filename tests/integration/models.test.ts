import fs from "node:fs";
import path from "node:path";
import yauzl from "yauzl";
import { afterAll, describe, expect, it } from "vitest";
import * as download from "../../app/api/models/[id]/download/route";
import * as one from "../../app/api/models/[id]/route";
import * as list from "../../app/api/models/route";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { call } from "../helpers/routes";
import { authed } from "../helpers/auth";

afterAll(async () => {
  await db().$disconnect();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A model as the train job registers it: files in MODELS_ROOT/{name}/ and the VoiceModel row. */
async function registered(name: string) {
  const exp = await createExperiment({ name, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
  const dir = paths().modelDir(name);
  fs.mkdirSync(dir, { recursive: true });
  const contents: Record<string, Buffer> = {
    [`${name}.pth`]: Buffer.from("PK\x03\x04 small model"),
    [`${name}.onnx`]: Buffer.alloc(4096, 7),
    [`added_IVF4_Flat_nprobe_1_${name}_v2.index`]: Buffer.alloc(2048, 3),
    "model.json": Buffer.from(JSON.stringify({ name })),
  };
  const kinds: Record<string, string> = { pth: "pth", onnx: "onnx", index: "index", json: "card" };
  const files = Object.entries(contents).map(([n, b]) => {
    fs.writeFileSync(path.join(dir, n), b);
    return { kind: kinds[n.split(".").pop()!], name: n, bytes: b.length };
  });
  const model = await db().voiceModel.create({
    data: { name, experimentId: exp.id, sampleRate: 40000, version: "v2", epochs: 20, datasetSeconds: 600, files, sizeBytes: BigInt(files.reduce((s, f) => s + f.bytes, 0)) },
  });
  return { model, contents, dir };
}

async function get(id: string, file?: string) {
  const url = `http://t/api/models/${id}/download${file ? `?file=${file}` : ""}`;
  return (download.GET as Handler)(authed(url), { params: Promise.resolve({ id }) });
}

function zipEntries(buf: Buffer): Promise<Record<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: Record<string, Buffer> = {};
      zip.on("entry", (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on("data", (d: Buffer) => parts.push(d));
          s.on("end", () => {
            out[e.fileName] = Buffer.concat(parts);
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(out));
      zip.readEntry();
    });
  });
}

describe("models API", () => {
  it("lists and gets a model with its card", async () => {
    const { model } = await registered("mdl-list");
    const all = await call(list.GET as never, "GET");
    expect(all.body.models.find((m: { id: string }) => m.id === model.id)).toMatchObject({
      name: "mdl-list", experiment: "mdl-list", sampleRate: 40000, version: "v2", f0: true, epochs: 20, datasetSeconds: 600, source: "trained",
    });
    const got = await call(one.GET as never, "GET", { id: model.id });
    expect(got.body.files.map((f: { kind: string }) => f.kind).sort()).toEqual(["card", "index", "onnx", "pth"]);
    expect((await call(one.GET as never, "GET", { id: "00000000-0000-0000-0000-000000000000" })).status).toBe(404);
  });

  it("downloads each file as an attachment, and all of them as a zip", async () => {
    const { model, contents } = await registered("mdl-dl");
    for (const [kind, name] of [["pth", "mdl-dl.pth"], ["onnx", "mdl-dl.onnx"], ["index", "added_IVF4_Flat_nprobe_1_mdl-dl_v2.index"]] as const) {
      const res = await get(model.id, kind);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${name}"`);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(contents[name]);
    }
    const zip = await get(model.id, "zip");
    expect(zip.headers.get("content-type")).toBe("application/zip");
    const entries = await zipEntries(Buffer.from(await zip.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual(Object.keys(contents).map((n) => `mdl-dl/${n}`).sort());
    for (const [n, b] of Object.entries(contents)) expect(entries[`mdl-dl/${n}`]).toEqual(b);
    const bad = await get(model.id, "exe");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_file");
  });

  it("says which file is missing on disk", async () => {
    const { model, dir } = await registered("mdl-gone");
    fs.rmSync(path.join(dir, "mdl-gone.onnx"));
    const res = await get(model.id, "onnx");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/missing on disk \(mdl-gone\.onnx\)/);
  });

  it("deletes the files and the row; refuses while a conversion with it is running", async () => {
    const { model, dir } = await registered("mdl-del");
    const job = await db().job.create({ data: { kind: "convert", status: "running", params: { modelId: model.id } } });
    const busy = await call(one.DELETE as never, "DELETE", { id: model.id });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("model_busy");
    expect(fs.existsSync(dir)).toBe(true);
    await db().job.update({ where: { id: job.id }, data: { status: "succeeded" } });
    expect((await call(one.DELETE as never, "DELETE", { id: model.id })).status).toBe(204);
    expect(fs.existsSync(dir)).toBe(false);
    expect(await db().voiceModel.count({ where: { id: model.id } })).toBe(0);
    expect((await call(one.DELETE as never, "DELETE", { id: model.id })).status).toBe(404);
  });
});
