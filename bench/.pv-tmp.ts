import { pitchShift } from "../worker/cover/mix";
const rate = 48000, n = rate * 20;
const x = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
let t = Date.now(); pitchShift(x, 5); console.log("+5", (Date.now() - t) / 1000);
t = Date.now(); pitchShift(x, -5); console.log("-5", (Date.now() - t) / 1000);
