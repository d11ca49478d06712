import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without types
import { compileWat, wasmModuleSource } from "../../scripts/build-wasm.mjs";
import { getResampler } from "./resample";
import { tone } from "./test-signals";

const wat = path.join(import.meta.dirname, "resample-kernel.wat");

describe("resample-kernel (WebAssembly SIMD)", () => {
  it("the committed module is resample-kernel.wat compiled (run `npm run build:wasm` after editing the .wat)", async () => {
    const bytes: Buffer = await compileWat(wat);
    expect(fs.readFileSync(path.join(import.meta.dirname, "resample-kernel-wasm.ts"), "utf8")).toBe(wasmModuleSource("worker/dsp/resample-kernel.wat", bytes));
  });

  it("runs here for rate pairs with an exact phase table; odd pairs use the TypeScript loop", () => {
    expect(getResampler(44100, 40000).engine).toBe("wasm");
    expect(getResampler(40000, 16000).engine).toBe("wasm");
    expect(getResampler(44123, 16000).engine).toBe("js");
  });

  it.each([
    [44100, 40000],
    [48000, 40000],
    [40000, 16000],
    [22050, 32000],
    [16000, 48000],
  ])("%i→%i: equals the TypeScript engine within f32 rounding, across kernel blocks", (from, to) => {
    const r = getResampler(from, to);
    // 7 s of two tones and noise: more than one 2^18-output block at every target rate here
    let s = 1;
    const noise = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.1;
    const a = tone(440, from, 7, 0.4), b = tone(3100, from, 7, 0.3);
    const x = a.map((v, i) => v + b[i]! + noise());
    const js = r.processWith(x, "js");
    const wasm = r.processWith(x, "wasm");
    expect(wasm.length).toBe(js.length);
    let worst = 0;
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(wasm[i]! - js[i]!));
    expect(worst).toBeLessThan(2e-6);
    expect(worst).toBeGreaterThan(0); // really two engines
  });
});
