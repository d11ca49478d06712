// Runs an exported synthesizer once in onnxruntime-node with inputs read from raw little-endian files and
// writes the audio as raw float32. usage: node ort_compare.mjs model.onnx dir T channels
// dir holds phone.f32 [1,T,768], rnd.f32 [1,channels,T], pitchf.f32 [1,T], pitch.i64 [1,T]; writes audio.f32.
import fs from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";

const [, , modelPath, dir, tArg, chArg] = process.argv;
const T = Number(tArg);
const C = Number(chArg);
const f32 = (name) => new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, name))).buffer);
const i64 = (name) => new BigInt64Array(new Uint8Array(fs.readFileSync(path.join(dir, name))).buffer);
const session = await ort.InferenceSession.create(modelPath);
const values = [
  new ort.Tensor("float32", f32("phone.f32"), [1, T, 768]),
  new ort.Tensor("int64", BigInt64Array.from([BigInt(T)]), [1]),
  new ort.Tensor("int64", i64("pitch.i64"), [1, T]),
  new ort.Tensor("float32", f32("pitchf.f32"), [1, T]),
  new ort.Tensor("int64", BigInt64Array.from([0n]), [1]),
  new ort.Tensor("float32", f32("rnd.f32"), [1, C, T]),
];
const feeds = {};
session.inputNames.forEach((n, i) => (feeds[n] = values[i]));
const out = (await session.run(feeds))[session.outputNames[0]];
fs.writeFileSync(path.join(dir, "audio.f32"), Buffer.from(out.data.buffer));
console.log(JSON.stringify({ dims: out.dims.map(Number) }));
