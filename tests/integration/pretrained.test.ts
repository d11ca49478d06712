import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as route from "../../app/api/pretrained/route";
import { paths } from "../../lib/paths";
import { PY, trainerAvailable } from "../helpers/pipeline";
import { authed } from "../helpers/auth";

function form(files: Record<string, { name: string; bytes: Uint8Array }>): Request {
  const fd = new FormData();
  for (const [k, v] of Object.entries(files)) fd.append(k, new File([Uint8Array.from(v.bytes)], v.name));
  return authed("http://t/api/pretrained", { method: "POST", body: fd });
}

const dir = () => path.dirname(paths().customPretrained("x.pth"));
const stored = () => (fs.existsSync(dir()) ? fs.readdirSync(dir()) : []);
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);

const ready = trainerAvailable();

/** torch.save(obj) for a Python expression (torch, os, OrderedDict in scope). */
function saved(expr: string): Uint8Array {
  const tmp = fs.mkdtempSync("/tmp/vs-pre-");
  try {
    const file = path.join(tmp, "x.pth");
    execFileSync(PY, ["-c", `import torch, os, sys\nfrom collections import OrderedDict\nclass P:\n    def __init__(self, f, *a): self.f, self.a = f, a\n    def __reduce__(self): return self.f, self.a\ntorch.save(${expr}, sys.argv[1])`, file]);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe.skipIf(!ready)(`custom pretrained weights${ready ? "" : " (skipped: /usr/bin/python3 lacks torch)"}`, () => {
  it("stores a G/D pair of real torch checkpoints under safe names and lists them", async () => {
    const real = saved("{'model': {'w': torch.zeros(2)}}");
    const res = await (route.POST as (r: Request) => Promise<Response>)(form({ g: { name: "../../my G 40k.pth", bytes: real }, d: { name: "D40k.pth", bytes: real } }));
    expect(res.status).toBe(201);
    const { pretrained } = (await res.json()) as { pretrained: { g: string; d: string } };
    expect(pretrained.g).toMatch(/^my_G_40k-[0-9a-f]{6}\.pth$/);
    expect(fs.readFileSync(paths().customPretrained(pretrained.g))).toEqual(Buffer.from(real));
    const list = (await (await (route.GET as (r: Request) => Promise<Response>)(authed("http://t/api/pretrained"))).json()) as { files: { name: string }[] };
    expect(list.files.map((f) => f.name)).toEqual(expect.arrayContaining([pretrained.g, pretrained.d]));
  });

  it("refuses a text file renamed .pth, a wrong extension or a missing field, storing nothing", async () => {
    const before = stored();
    const text = new TextEncoder().encode("not a checkpoint");
    for (const [files, status, code] of [
      [{ g: { name: "G.pth", bytes: ZIP }, d: { name: "D.pth", bytes: text } }, 422, "not_a_checkpoint"],
      [{ g: { name: "G.bin", bytes: ZIP }, d: { name: "D.pth", bytes: ZIP } }, 415, "unsupported_type"],
      [{ g: { name: "G.pth", bytes: ZIP } }, 400, "missing_file"],
    ] as const) {
      const res = await (route.POST as (r: Request) => Promise<Response>)(form(files as never));
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(stored()).toEqual(before);
  });

  it("refuses weights that name a Python global (nothing runs) and G/D sent the wrong way round", async () => {
    const before = stored();
    const marker = path.join(fs.mkdtempSync("/tmp/vs-pre-"), "ran");
    const g = saved("{'model': OrderedDict([('dec.conv_pre.weight', torch.ones(2))])}");
    const d = saved("{'model': OrderedDict([('discriminators.0.conv_post.weight', torch.ones(2))])}");
    const evil = saved(`{'model': {'dec.w': torch.ones(1)}, 'iteration': P(os.system, 'touch ${marker}')}`);
    const post = async (files: object) => {
      const res = await (route.POST as (r: Request) => Promise<Response>)(form(files as never));
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    };
    const hostile = await post({ g: { name: "G.pth", bytes: evil }, d: { name: "D.pth", bytes: d } });
    expect(hostile.status).toBe(422);
    expect(hostile.body.error.message).toMatch(/G: "G.pth" is not usable generator weights: .*posix\.system/);
    expect(fs.existsSync(marker)).toBe(false);
    const swapped = await post({ g: { name: "D.pth", bytes: d }, d: { name: "G.pth", bytes: g } });
    expect(swapped.status).toBe(422);
    expect(swapped.body.error).toMatchObject({ code: "wrong_role", message: 'G: "D.pth" holds discriminator weights; send it as "d"' });
    expect(stored()).toEqual(before);
    expect((await post({ g: { name: "G.pth", bytes: g }, d: { name: "D.pth", bytes: d } })).status).toBe(201);
  });
});
