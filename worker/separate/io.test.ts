import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeWav, encodeWavFloat32 } from "../dsp/wav";
import { decodeToStereoScratch, scratchSource, wavWriter } from "./io";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-sep-io-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("separate job file plumbing", () => {
  it("mono 22.05 kHz → stereo 44.1 kHz scratch; reads are zero outside the song", async () => {
    const n = 22050;
    const mono = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
    const src = path.join(dir, "m.wav");
    fs.writeFileSync(src, encodeWavFloat32(mono, 22050));
    const scratch = path.join(dir, "m.f32");
    const r = await decodeToStereoScratch(src, scratch);
    expect(r).toMatchObject({ sourceRate: 22050, channels: 1 });
    expect(Math.abs(r.frames - 44100)).toBeLessThanOrEqual(1);
    expect(fs.statSync(scratch).size).toBe(r.frames * 8);
    const s = await scratchSource(scratch, r.frames);
    const l = new Float32Array(100), rr = new Float32Array(100);
    await s.read(-50, l, rr);
    expect(Array.from(l.subarray(0, 50))).toEqual(new Array(50).fill(0));
    expect(Array.from(l.subarray(50))).toEqual(Array.from(rr.subarray(50))); // mono on both sides
    await s.read(r.frames - 10, l, rr);
    expect(Array.from(l.subarray(10))).toEqual(new Array(90).fill(0));
    await s.close();
  });

  it("writes a float32 stereo WAV piece by piece that decodes back, and refuses a short one", async () => {
    const f = path.join(dir, "o.wav");
    const w = await wavWriter(f, 5);
    await w.write({ left: Float32Array.of(0.1, 0.2), right: Float32Array.of(-0.1, -0.2) });
    await w.write({ left: Float32Array.of(0.3, 0.4, 0.5), right: Float32Array.of(-0.3, -0.4, -0.5) });
    await w.close();
    const d = decodeWav(fs.readFileSync(f));
    expect(d.sampleRate).toBe(44100);
    expect(Array.from(d.channels[1]!)).toEqual(Array.from(Float32Array.of(-0.1, -0.2, -0.3, -0.4, -0.5)));
    const short = await wavWriter(path.join(dir, "s.wav"), 3);
    await short.write({ left: Float32Array.of(1), right: Float32Array.of(1) });
    await expect(short.close()).rejects.toThrow(/wrote 1 frames.*expected 3/);
  });
});
