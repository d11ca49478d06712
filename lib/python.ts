/**
 * Which Python interpreter runs the trainer. `PYTHON` when it is set (used as given, even without PyTorch: the
 * System page and the start-up log then say so); otherwise the first of PYTHON_CANDIDATES that can `import torch`
 * (a distribution's `python3` on PATH is often a virtualenv or a different build without it, while
 * `/usr/bin/python3` has Debian's python3-torch), else plain `python3`. Chosen once per process.
 */
import { execFile } from "node:child_process";
import { config } from "./config";

export const PYTHON_CANDIDATES = ["python3", "/usr/bin/python3", "/usr/local/bin/python3", "python"];

/** The Debian packages the trainer needs (the same list scripts/setup-system.sh installs). */
export const TORCH_INSTALL_COMMAND =
  "sudo apt-get install -y --no-install-recommends python3-torch python3-numpy python3-scipy python3-soundfile python3-faiss python3-onnx";

export interface PythonChoice {
  executable: string;
  /** "PYTHON": as configured; "auto": found by trying the candidates */
  source: "PYTHON" | "auto";
  /** it can import torch */
  torch: boolean;
  /** the candidates tried before it (or instead of it) and why each was passed over */
  passedOver: { executable: string; reason: string }[];
}

/** Whether `executable -c "import torch"` succeeds; the reason when not. */
export function canImportTorch(executable: string, timeoutMs = 60_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    execFile(executable, ["-c", "import torch"], { timeout: timeoutMs, encoding: "utf8" }, (err, _stdout, stderr) => {
      if (!err) return resolve({ ok: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return resolve({ ok: false, reason: "not found" });
      if (code === "EACCES") return resolve({ ok: false, reason: "not executable" });
      const last = (stderr || err.message).trim().split("\n").pop() ?? "";
      resolve({ ok: false, reason: /No module named '?torch/.test(last) ? "has no torch" : last.slice(0, 200) || "failed" });
    });
  });
}

/** Choose the interpreter (see the file comment). `configured`: the PYTHON value, undefined when not set. */
export async function choosePython(configured: string | undefined, candidates: readonly string[] = PYTHON_CANDIDATES): Promise<PythonChoice> {
  if (configured !== undefined) {
    const probe = await canImportTorch(configured);
    return { executable: configured, source: "PYTHON", torch: probe.ok, passedOver: probe.ok ? [] : [{ executable: configured, reason: probe.reason }] };
  }
  const passedOver: PythonChoice["passedOver"] = [];
  for (const executable of candidates) {
    const probe = await canImportTorch(executable);
    if (probe.ok) return { executable, source: "auto", torch: true, passedOver };
    passedOver.push({ executable, reason: probe.reason });
  }
  return { executable: candidates[0] ?? "python3", source: "auto", torch: false, passedOver };
}

/** Pure: one line for the log and the System page, e.g. "/usr/bin/python3 (chosen automatically; python3 has no torch)". */
export function describePythonChoice(c: PythonChoice): string {
  const others = c.passedOver.filter((p) => p.executable !== c.executable).map((p) => `${p.executable} ${p.reason}`);
  if (!c.torch) {
    const tried = c.passedOver.map((p) => `${p.executable}: ${p.reason}`).join("; ");
    return `${c.executable} (${c.source === "PYTHON" ? "from PYTHON" : "no interpreter with PyTorch found"}; ${tried})`;
  }
  return `${c.executable} (${c.source === "PYTHON" ? "from PYTHON" : "chosen automatically"}${others.length ? `; ${others.join(", ")}` : ""})`;
}

/** Pure: what does not work without PyTorch and the command that adds it. */
export function noTorchMessage(c: PythonChoice): string {
  return (
    `No Python with PyTorch: training, index builds and model import will fail (${describePythonChoice(c)}). ` +
    `Debian/Ubuntu: ${TORCH_INSTALL_COMMAND}` +
    (c.source === "PYTHON" ? `, or set PYTHON to an interpreter that has torch` : ` (then restart; or set PYTHON to an interpreter with torch)`)
  );
}

const g = globalThis as unknown as { __vsPython?: Promise<PythonChoice> };

/** This process's choice (probed once). */
export function pythonChoice(): Promise<PythonChoice> {
  const cfg = config();
  g.__vsPython ??= choosePython(cfg.pythonSet ? cfg.python : undefined);
  return g.__vsPython;
}

/** The interpreter to spawn for the trainer. */
export async function pythonExecutable(): Promise<string> {
  return (await pythonChoice()).executable;
}
