// A .pth is a pickle: one whose __reduce__ names os.system (or any other global a model file never needs) must be
// refused with a 422 that names the global, with nothing executed and nothing stored — through a real production web server (launcher/web-server.ts).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paths } from "../../lib/paths";
import { PY, trainerAvailable } from "../helpers/pipeline";
import { startWeb, type Web } from "../helpers/web";
import { authFetch } from "../helpers/auth";

const ready = trainerAvailable();
let dir: string;
let web: Web;
const marker = () => path.join(dir, "payload-ran");

/** torch.save of an RVC-small-model-shaped dict with a payload in one field, in the zip or the legacy format. */
function hostilePth(file: string, payload: string, legacy: boolean): string {
  execFileSync(PY, ["-c", [
    "import os, subprocess, sys, torch, collections",
    "class P:",
    "    def __init__(self, f, *a): self.f, self.a = f, a",
    "    def __reduce__(self): return self.f, self.a",
    "m = sys.argv[2]",
    "payloads = {'system': P(os.system, 'touch ' + m), 'subprocess': P(subprocess.call, ['touch', m]),",
    "            'eval': P(eval, 'open(%r, \"w\").close()' % m), 'dotted': P(torch._utils._import_dotted_name, 'os')}",
    "cpt = {'weight': collections.OrderedDict(w=torch.zeros(3)), 'config': [1], 'info': payloads[sys.argv[3]], 'sr': '40k', 'f0': 1, 'version': 'v2'}",
    "torch.save(cpt, sys.argv[1], _use_new_zipfile_serialization=sys.argv[4] == 'zip')",
  ].join("\n"), file, marker(), payload, legacy ? "legacy" : "zip"]);
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-hostile-"));
  if (ready) web = await startWeb({ PYTHON: PY });
});
afterAll(async () => {
  await web?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function importPth(file: string): Promise<{ status: number; body: any }> {
  const fd = new FormData();
  fd.append("pth", new File([fs.readFileSync(file)], path.basename(file)));
  const res = await authFetch(`${web.url}/api/models/import`, { method: "POST", body: fd });
  return { status: res.status, body: await res.json() };
}

const stored = () => (fs.existsSync(path.dirname(paths().modelDir("x"))) ? fs.readdirSync(path.dirname(paths().modelDir("x"))) : []);

describe.skipIf(!ready)(`hostile .pth files${ready ? "" : " (skipped: /usr/bin/python3 lacks torch)"}`, () => {
  const cases: [string, boolean, string][] = [
    ["system", false, "posix.system"],
    ["system", true, "posix.system"],
    ["subprocess", false, "subprocess.call"],
    ["eval", true, "builtins.eval"],
    ["dotted", false, "torch._utils._import_dotted_name"],
  ];
  it.each(cases)("import of a pickle calling %s (legacy format: %s) is a 422 naming %s, and nothing runs", async (payload, legacy, global) => {
    const before = stored();
    const res = await importPth(hostilePth(path.join(dir, `evil-${payload}-${legacy ? "legacy" : "zip"}.pth`), payload, legacy));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe("not_an_rvc_model");
    expect(res.body.error.message).toContain(global);
    expect(res.body.error.message).not.toContain(dir); // the server's staging path is not shown
    expect(fs.existsSync(marker())).toBe(false);
    expect(stored()).toEqual(before);
  });
});
