// Runs an exported synthesizer in onnxruntime-node (the runtime the worker uses) and prints one JSON line:
// {frames: [...], outputs: [[dims...], ...]}. Inputs are fed by position, as rvc-formats.md advises.
// usage: node ort_run.mjs model.onnx hop T1 [T2 ...]
import ort from "onnxruntime-node";

const [, , modelPath, hopArg, ...framesArgs] = process.argv;
const session = await ort.InferenceSession.create(modelPath);
const names = session.inputNames;
const outputs = [];
let maxAbs = 0;
for (const fa of framesArgs) {
  const T = Number(fa);
  const dim = 768;
  const phone = new Float32Array(T * dim).map(() => Math.random() * 2 - 1);
  const pitch = new BigInt64Array(T).fill(100n);
  const pitchf = new Float32Array(T).fill(220);
  const rnd = new Float32Array(T * 192).map(() => 0.66666 * (Math.random() * 2 - 1));
  const channels = Number(process.env.INTER_CHANNELS || 192);
  const feeds = {};
  const values = [
    new ort.Tensor("float32", phone, [1, T, dim]),
    new ort.Tensor("int64", BigInt64Array.from([BigInt(T)]), [1]),
    new ort.Tensor("int64", pitch, [1, T]),
    new ort.Tensor("float32", pitchf, [1, T]),
    new ort.Tensor("int64", BigInt64Array.from([0n]), [1]),
    new ort.Tensor("float32", rnd.slice(0, T * channels), [1, channels, T]),
  ];
  names.forEach((n, i) => (feeds[n] = values[i]));
  const res = await session.run(feeds);
  const out = res[session.outputNames[0]];
  for (const v of out.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  outputs.push(out.dims.map(Number));
}
console.log(JSON.stringify({ inputs: names, outputs: session.outputNames, dims: outputs, hop: Number(hopArg), maxAbs }));
