// An MDX-Net ONNX model as a ModelRun: one input [batch, 4, dim_f, dim_t] (fed by position), first output the
// stem's spectrogram of the same shape. The file's declared shape is checked against the parameters first, so a
// wrong table entry or override is one clear error, not a runtime shape failure on the first chunk.
import { getSession, type ModelSession, type SessionLog } from "../onnx/session";
import type { ModelRun } from "./engine";
import type { MdxParams } from "./params";

export class ModelShapeError extends Error {
  override name = "ModelShapeError";
}

/** Where the session's declared signature disagrees with the parameters; null when it fits. */
export function signatureProblem(session: Pick<ModelSession, "inputs" | "outputs">, p: Pick<MdxParams, "dimF" | "dimT">): string | null {
  if (session.inputs.length !== 1) return `an MDX-Net model takes one input, this one takes ${session.inputs.length}`;
  if (session.outputs.length < 1) return "the model has no output";
  const want = [null, 4, p.dimF, p.dimT];
  const shape = session.inputs[0]!.shape;
  if (shape.length !== 4) return `its input has ${shape.length} dimensions, an MDX-Net model's has 4 ([batch, 4, dim_f, dim_t])`;
  for (let i = 1; i < 4; i++) {
    const d = shape[i];
    if (typeof d === "number" && d > 0 && d !== want[i]) {
      return `its input is [${shape.join(", ")}] but the parameters say [batch, 4, ${p.dimF}, ${p.dimT}] (dim_f ${p.dimF}, dim_t ${p.dimT})`;
    }
  }
  const type = session.inputs[0]!.type;
  if (type && type !== "float32") return `its input is ${type}, not float32`;
  return null;
}

export async function loadMdxModel(file: string, p: MdxParams, opts: { log?: SessionLog; envVar?: string; deviceId?: number } = {}): Promise<{ run: ModelRun; session: ModelSession }> {
  const session = await getSession(file, { envVar: opts.envVar ?? "SEPARATION_MODEL_PATH", deviceId: opts.deviceId, ...(opts.log ? { log: opts.log } : {}) });
  const problem = signatureProblem(session, p);
  if (problem) throw new ModelShapeError(`${file} does not fit the separation parameters: ${problem}`);
  const dims = [1, 4, p.dimF, p.dimT];
  const run: ModelRun = async (input) => {
    const [out] = await session.run([session.float32(input, dims)]);
    const data = out?.data;
    if (!(data instanceof Float32Array)) throw new ModelShapeError(`${file} returned ${out?.type ?? "nothing"}, not float32`);
    return data;
  };
  return { run, session };
}
