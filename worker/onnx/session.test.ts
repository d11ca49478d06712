import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { skipNote, tinyModels } from "../../tests/helpers/tiny-models";
import { cpuReasonNote, cudaProviderAvailable, disposeSessions, getSession, ModelFileError, openSessions, releaseSessionsUnder } from "./session";

const tiny = tinyModels();

describe("getSession errors", () => {
  it("names the environment variable when the model file is missing", async () => {
    const missing = path.join(os.tmpdir(), "no-such-dir-voice-studio", "rmvpe.onnx");
    const err = await getSession(missing, { envVar: "RMVPE_PATH" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toMatch(/model file not found: RMVPE_PATH \(.*rmvpe\.onnx\)/);
  });

  it("reports a file that is not an ONNX model, and does not cache the failure", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onnx-bad-"));
    const bad = path.join(dir, "bad.onnx");
    fs.writeFileSync(bad, "not a model");
    try {
      await expect(getSession(bad, { envVar: "HUBERT_PATH" })).rejects.toThrow(/cannot load ONNX model HUBERT_PATH/);
      fs.writeFileSync(bad, "");
      await expect(getSession(bad, { envVar: "HUBERT_PATH" })).rejects.toThrow(/empty/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cpuReasonNote", () => {
  it("says the CUDA install hint only where a GPU is, and only once per process; other reasons every time", () => {
    const hint = "the onnxruntime CUDA provider library is not installed (install with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci)";
    expect(cpuReasonNote(hint, false)).toBe("");
    expect(cpuReasonNote("onnxruntime-node lists no cuda backend", false)).toBe("");
    expect(cpuReasonNote(hint, true)).toBe(` (${hint})`);
    expect(cpuReasonNote(hint, true)).toBe("");
    expect(cpuReasonNote("cuda session creation failed: out of memory", true)).toBe(" (cuda session creation failed: out of memory)");
    expect(cpuReasonNote("cuda session creation failed: out of memory", true)).toBe(" (cuda session creation failed: out of memory)");
    expect(cpuReasonNote(null, true)).toBe("");
  });
});

describe.skipIf(!tiny.ok)(`getSession with the tiny models${skipNote(tiny)}`, () => {
  const t = tiny as Extract<typeof tiny, { ok: true }>;
  afterAll(() => disposeSessions());

  it("caches one session per model file and reports the provider it runs on", async () => {
    const logs: string[] = [];
    const [a, b] = await Promise.all([
      getSession(t.content768, { log: (_l, m) => logs.push(m) }),
      getSession(path.relative(process.cwd(), t.content768)),
    ]);
    expect(a).toBe(b);
    expect(logs).toHaveLength(1);
    const cuda = await cudaProviderAvailable();
    expect(a.provider).toBe(cuda.available ? "cuda" : "cpu");
    if (!cuda.available) {
      expect(a.fallbackReason).toBe(cuda.reason);
      expect(logs[0]).toMatch(/content-768\.onnx on cpu/);
    }
    expect((await openSessions()).map((s) => s.path)).toContain(t.content768);
  });

  it("feeds inputs by position whatever the tensor names are, and returns outputs by position", async () => {
    const s = await getSession(t.rmvpe);
    expect(s.inputs.map((i) => i.name)).toEqual(["logmel_in"]); // names unlike the real model's
    expect(s.inputs[0]!.shape).toEqual([1, 128, "frames"]);
    const [out] = await s.run([s.float32(new Float32Array(128 * 64).fill(-11.5), [1, 128, 64])]);
    expect(out!.dims).toEqual([1, 64, 360]);
    await expect(s.run([])).rejects.toThrow(/takes 1 input\(s\), got 0/);
  });

  it("a CPU-only request runs on the CPU; a CUDA-only request fails clearly where CUDA is not usable", async () => {
    const cpu = await getSession(t.content256, { provider: "cpu" });
    expect(cpu.provider).toBe("cpu");
    expect(cpu.fallbackReason).toBeNull();
    const cuda = await cudaProviderAvailable();
    if (cuda.available) expect((await getSession(t.content256, { provider: "cuda" })).provider).toBe("cuda");
    else await expect(getSession(t.content256, { provider: "cuda" })).rejects.toThrow(/CUDA was required/);
  });

  it("runs calls on one session one at a time, each with its own result", async () => {
    const s = await getSession(t.content768);
    const lengths = [400, 720, 16000, 1040];
    const outs = await Promise.all(lengths.map((n) => s.run([s.float32(new Float32Array(n).fill(0.1), [1, 1, n])])));
    expect(outs.map(([o]) => o!.dims[1])).toEqual(lengths.map((n) => Math.floor((n - 400) / 320) + 1));
  });

  it("releaseSessionsUnder keeps one model's session under a folder and releases the others there", async () => {
    const dir = path.dirname(t.content768);
    const others = fs.mkdtempSync(path.join(os.tmpdir(), "vs-sessions-"));
    try {
      const copy = path.join(others, "voice.onnx");
      fs.copyFileSync(t.content256, copy);
      await getSession(t.content768);
      await getSession(copy);
      await releaseSessionsUnder(others, path.join(others, "another.onnx"));
      const open = (await openSessions()).map((s) => s.path);
      expect(open).toContain(t.content768); // outside the folder: kept
      expect(open).not.toContain(copy);
      await getSession(copy);
      await releaseSessionsUnder(dir, t.content768);
      expect((await openSessions()).map((s) => s.path)).toEqual(expect.arrayContaining([t.content768, copy]));
    } finally {
      fs.rmSync(others, { recursive: true, force: true });
    }
  });
});
