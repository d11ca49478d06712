import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { choosePython, describePythonChoice, noTorchMessage } from "./python";

// stand-in interpreters: shell scripts that answer `-c "import torch"` the way a Python with or without torch does
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-python-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
function fake(name: string, hasTorch: boolean): string {
  const file = path.join(dir, name);
  const body = hasTorch ? "exit 0" : `echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1`;
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}
const without = fake("python-without", false);
const withTorch = fake("python-with", true);
const missing = path.join(dir, "no-such-python");

describe("choosePython", () => {
  it("without PYTHON takes the first candidate that imports torch, and says which it passed over and why", async () => {
    const c = await choosePython(undefined, [missing, without, withTorch, fake("later", true)]);
    expect(c).toEqual({
      executable: withTorch,
      source: "auto",
      torch: true,
      passedOver: [
        { executable: missing, reason: "not found" },
        { executable: without, reason: "has no torch" },
      ],
    });
    expect(describePythonChoice(c)).toBe(`${withTorch} (chosen automatically; ${missing} not found, ${without} has no torch)`);
  });

  it("uses PYTHON as given, even without torch, and then says what will not work and how to add it", async () => {
    const c = await choosePython(without, [withTorch]);
    expect(c).toMatchObject({ executable: without, source: "PYTHON", torch: false });
    const msg = noTorchMessage(c);
    expect(msg).toMatch(/^No Python with PyTorch: training, index builds and model import will fail/);
    expect(msg).toContain("apt-get install -y --no-install-recommends python3-torch");
    expect(msg).toContain("set PYTHON to an interpreter that has torch");
  });

  it("with no candidate that has torch keeps the first and lists every one it tried", async () => {
    const c = await choosePython(undefined, [without, missing]);
    expect(c).toMatchObject({ executable: without, source: "auto", torch: false });
    expect(noTorchMessage(c)).toContain(`no interpreter with PyTorch found; ${without}: has no torch; ${missing}: not found`);
  });
});
