import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeWav, downmix, encodeWavFloat32, WavError } from "./wav";
import { pythonHas, runPythonJson } from "./python-check";

/** Hand-built RIFF file: fmt body + optional extra chunks before data. */
function riff(fmtBody: number[], data: number[], extra: { id: string; body: number[] }[] = [], dataSize?: number): Uint8Array {
  const bytes: number[] = [];
  const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  const id = (s: string) => [...s].map((c) => c.charCodeAt(0));
  const chunk = (name: string, body: number[], size = body.length) => [
    ...id(name), ...u32(size), ...body, ...(body.length % 2 ? [0] : []),
  ];
  bytes.push(...chunk("fmt ", fmtBody));
  for (const e of extra) bytes.push(...chunk(e.id, e.body));
  bytes.push(...id("data"), ...u32(dataSize ?? data.length), ...data);
  return Uint8Array.from([...id("RIFF"), ...u32(bytes.length + 4), ...id("WAVE"), ...bytes]);
}
const u16 = (n: number) => [n & 255, (n >>> 8) & 255];
const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
function fmt(tag: number, channels: number, rate: number, bits: number): number[] {
  const block = (channels * bits) / 8;
  return [...u16(tag), ...u16(channels), ...u32(rate), ...u32(rate * block), ...u16(block), ...u16(bits)];
}
const le16 = (vals: number[]) => vals.flatMap((v) => u16(v & 0xffff));

describe("encodeWavFloat32", () => {
  it("writes scipy's float layout: fmt of 18 bytes, tag 3, fact chunk, 58-byte header", () => {
    const x = Float32Array.from([0.5, -0.25, 1]);
    const b = encodeWavFloat32(x, 40000);
    const v = new DataView(b.buffer);
    const str = (at: number) => String.fromCharCode(...b.subarray(at, at + 4));
    expect(b.length).toBe(58 + 4 * 3);
    expect([str(0), str(8), str(12), str(38), str(50)]).toEqual(["RIFF", "WAVE", "fmt ", "fact", "data"]);
    expect(v.getUint32(4, true)).toBe(b.length - 8);
    expect(v.getUint32(16, true)).toBe(18);
    expect(v.getUint16(20, true)).toBe(3);
    expect(v.getUint16(22, true)).toBe(1);
    expect(v.getUint32(24, true)).toBe(40000);
    expect(v.getUint32(28, true)).toBe(160000);
    expect(v.getUint16(32, true)).toBe(4);
    expect(v.getUint16(34, true)).toBe(32);
    expect(v.getUint16(36, true)).toBe(0);
    expect(v.getUint32(42, true)).toBe(4);
    expect(v.getUint32(46, true)).toBe(3);
    expect(v.getUint32(54, true)).toBe(12);
    expect([v.getFloat32(58, true), v.getFloat32(62, true), v.getFloat32(66, true)]).toEqual([0.5, -0.25, 1]);
  });

  it("round-trips mono and interleaved stereo exactly", () => {
    const l = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i / 7) * 0.9);
    const r = Float32Array.from({ length: 1001 }, (_, i) => Math.cos(i / 3) * 0.5);
    const mono = decodeWav(encodeWavFloat32(l, 16000));
    expect(mono.sampleRate).toBe(16000);
    expect(mono.formatTag).toBe(3);
    expect(mono.channels[0]).toEqual(l);
    const st = decodeWav(encodeWavFloat32([l, r], 48000));
    expect(st.channels).toEqual([l, r]);
    expect(decodeWav(encodeWavFloat32(new Float32Array(0), 16000)).channels[0]!.length).toBe(0);
  });

  it("refuses channels of different lengths", () => {
    expect(() => encodeWavFloat32([new Float32Array(2), new Float32Array(3)], 16000)).toThrow(WavError);
  });
});

describe("decodeWav", () => {
  it("decodes 16-bit PCM to [−1, 1)", () => {
    const w = decodeWav(riff(fmt(1, 1, 22050, 16), le16([-32768, -1, 0, 1, 32767])));
    expect(w).toMatchObject({ sampleRate: 22050, formatTag: 1, bitsPerSample: 16 });
    expect(Array.from(w.channels[0]!)).toEqual([-1, -1 / 32768, 0, 1 / 32768, 32767 / 32768]);
  });

  it("decodes 24-bit PCM (sign-extended)", () => {
    const data = [0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x00, 0x00, 0x40];
    const w = decodeWav(riff(fmt(1, 1, 44100, 24), data));
    expect(Array.from(w.channels[0]!)).toEqual([-1, Math.fround(8388607 / 8388608), -1 / 8388608, 0.5]);
  });

  it("decodes 32-bit PCM, 8-bit unsigned PCM and 64-bit float, and splits channels", () => {
    const i32 = decodeWav(riff(fmt(1, 2, 8000, 32), [...u32(0x80000000), ...u32(0x40000000), ...u32(0xc0000000), ...u32(0)]));
    expect(i32.channels.map((c) => Array.from(c))).toEqual([[-1, -0.5], [0.5, 0]]);
    const u8 = decodeWav(riff(fmt(1, 1, 8000, 8), [0, 128, 255, 192]));
    expect(Array.from(u8.channels[0]!)).toEqual([-1, 0, 127 / 128, 0.5]);
    const f64 = new Uint8Array(Float64Array.from([0.125, -0.75]).buffer);
    const w = decodeWav(riff(fmt(3, 1, 32000, 64), [...f64]));
    expect(Array.from(w.channels[0]!)).toEqual([0.125, -0.75]);
  });

  it("resolves WAVE_FORMAT_EXTENSIBLE to its sub-format", () => {
    const ext = (sub: number, bits: number) => [
      ...fmt(0xfffe, 1, 48000, bits), ...u16(22), ...u16(bits), ...u32(4),
      ...u16(sub), 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
    ];
    expect(Array.from(decodeWav(riff(ext(1, 16), le16([16384]))).channels[0]!)).toEqual([0.5]);
    const f32 = new Uint8Array(Float32Array.from([0.25]).buffer);
    const w = decodeWav(riff(ext(3, 32), [...f32]));
    expect(w.formatTag).toBe(3);
    expect(Array.from(w.channels[0]!)).toEqual([0.25]);
  });

  it("skips unknown (odd-sized, padded) chunks and clamps a data size that overruns the file", () => {
    const extra = [{ id: "LIST", body: [1, 2, 3] }];
    const w = decodeWav(riff(fmt(1, 1, 16000, 16), le16([100, 200, 300]).concat([7]), extra, 0xffffffff));
    expect(Array.from(w.channels[0]!)).toEqual([100 / 32768, 200 / 32768, 300 / 32768]); // odd trailing byte dropped
  });

  it("fails with a clear WavError on bad input", () => {
    expect(() => decodeWav(new TextEncoder().encode("this is not audio at all"))).toThrow(/not a RIFF\/WAVE/);
    expect(() => decodeWav(riff(fmt(2, 1, 16000, 4), [0, 0]))).toThrow(/format tag 2/);
    expect(() => decodeWav(riff(fmt(1, 1, 16000, 12), [0, 0]))).toThrow(/12 bits/);
    const noData = encodeWavFloat32(new Float32Array(4), 16000).subarray(0, 50);
    expect(() => decodeWav(noData)).toThrow(/no data chunk/);
    expect(() => decodeWav(new Uint8Array(0))).toThrow(WavError);
  });

  it("refuses what the upload probe refuses: 25 Hz, 1 Hz, 9 channels, PCM fields that contradict each other", () => {
    expect(() => decodeWav(riff(fmt(1, 1, 25, 16), le16([1, 2])))).toThrow(/sample rate 25 Hz is outside 8–192 kHz/);
    expect(() => decodeWav(riff(fmt(1, 1, 1, 16), le16([1, 2])))).toThrow(WavError);
    expect(() => decodeWav(riff(fmt(1, 9, 16000, 16), le16(new Array(9).fill(0))))).toThrow(/9 channels/);
    const lying = fmt(1, 1, 16000, 16);
    lying.splice(8, 4, ...u32(25)); // byte rate 25
    expect(() => decodeWav(riff(lying, le16([1, 2])))).toThrow(/25 bytes per second does not match 16000 Hz/);
  });

  it("downmix mixes as ffmpeg -ac 1 (stereo: 1/√2 each; worker/dsp/downmix.test.ts compares with ffmpeg)", () => {
    expect(Array.from(downmix([Float32Array.from([1, 0.5]), Float32Array.from([0, -0.5])]))).toEqual([Math.fround(Math.SQRT1_2), 0]);
  });
});

const HAS_SCIPY = pythonHas("numpy", "scipy.io.wavfile", "wave");
const dir = mkdtempSync(path.join(tmpdir(), "dsp-wav-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("interoperability with scipy / Python's wave module", () => {
  it.skipIf(!HAS_SCIPY)(
    `scipy.io.wavfile reads our float32 WAV${HAS_SCIPY ? "" : " (skipped: /usr/bin/python3 lacks numpy/scipy)"}`,
    () => {
      const x = Float32Array.from({ length: 777 }, (_, i) => Math.sin(i / 5) * 0.7);
      const file = path.join(dir, "ours.wav");
      writeFileSync(file, encodeWavFloat32(x, 40000));
      const r = runPythonJson<{ rate: number; dtype: string; shape: number[]; first: number[] }>(
        `import sys, json; from scipy.io import wavfile
rate, d = wavfile.read(sys.argv[1])
print(json.dumps({"rate": rate, "dtype": str(d.dtype), "shape": list(d.shape), "first": [float(v) for v in d[:5]]}))`,
        file,
      );
      expect(r).toEqual({ rate: 40000, dtype: "float32", shape: [777], first: Array.from(x.subarray(0, 5)) });
    },
  );

  it.skipIf(!HAS_SCIPY)(
    `we read int16/int32/float32/float64 written by scipy and 24-bit written by wave${HAS_SCIPY ? "" : " (skipped: no numpy/scipy)"}`,
    () => {
      // Python writes the same integer ramp in every format; values we expect follow from the scaling rules.
      runPythonJson(
        `import sys, json, wave, numpy as np; from scipy.io import wavfile
d = sys.argv[1]
v = np.array([-32768, -12345, 0, 7, 32767], dtype=np.int16)
wavfile.write(d + "/i16.wav", 16000, v)
wavfile.write(d + "/i32.wav", 16000, v.astype(np.int32) << 16)
wavfile.write(d + "/f32.wav", 16000, (v / 32768).astype(np.float32))
f = v.astype(np.float64) / 32768
wavfile.write(d + "/f64.wav", 16000, np.stack([f, -f], axis=1))
w = wave.open(d + "/i24.wav", "wb"); w.setnchannels(1); w.setsampwidth(3); w.setframerate(16000)
w.writeframes(b"".join(int(x * 256).to_bytes(3, "little", signed=True) for x in v)); w.close()
print("null")`,
        dir,
      );
      const expected = [-32768, -12345, 0, 7, 32767].map((x) => x / 32768);
      for (const name of ["i16", "i32", "f32", "i24"]) {
        const w = decodeWav(readFileSync(path.join(dir, `${name}.wav`)));
        expect(w.sampleRate).toBe(16000);
        expect(Array.from(w.channels[0]!), name).toEqual(expected.map(Math.fround));
      }
      const st = decodeWav(readFileSync(path.join(dir, "f64.wav")));
      expect(st.bitsPerSample).toBe(64);
      expect(st.channels.map((c) => Array.from(c))).toEqual([expected, expected.map((x) => -x)].map((a) => a.map(Math.fround)));
    },
  );
});
