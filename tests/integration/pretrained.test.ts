import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as route from "../../app/api/pretrained/route";
import { paths } from "../../lib/paths";
import { authed } from "../helpers/auth";

function form(files: Record<string, { name: string; bytes: Uint8Array }>): Request {
  const fd = new FormData();
  for (const [k, v] of Object.entries(files)) fd.append(k, new File([Uint8Array.from(v.bytes)], v.name));
  return authed("http://t/api/pretrained", { method: "POST", body: fd });
}

const dir = () => path.dirname(paths().customPretrained("x.pth"));
const stored = () => (fs.existsSync(dir()) ? fs.readdirSync(dir()) : []);
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);

describe("custom pretrained weights", () => {
  it("stores a G/D pair of real torch checkpoints under safe names and lists them", async () => {
    const tmp = fs.mkdtempSync("/tmp/vs-pre-");
    let real: Uint8Array;
    try {
      execFileSync("/usr/bin/python3", ["-c", "import torch, sys; torch.save({'model': {'w': torch.zeros(2)}}, sys.argv[1])", path.join(tmp, "G.pth")]);
      real = fs.readFileSync(path.join(tmp, "G.pth"));
    } catch {
      real = ZIP; // no torch here: the zip signature torch.save writes
    }
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
});
