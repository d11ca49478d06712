/** The CLI's argument parsing, help, error lines and file selection (no server). */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ApiError } from "../../lib/errors";
import { COMMANDS, helpText, intOption, numberOption, parse, UsageError } from "../../cli/args";
import { collectFiles } from "../../cli/files";
import { EventPrinter, formatBytes, formatError } from "../../cli/output";
import { main } from "../../cli/run";
import type { JobEvent } from "../../lib/client/types";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vs-cli-unit-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

describe("parse", () => {
  it("finds two-word and one-word commands, positionals and options", () => {
    const p = parse(["experiments", "create", "voice", "--sample-rate", "32000", "--f0", "yin", "--json"]);
    expect(p).toMatchObject({ kind: "run", command: { name: "experiments create" }, args: { NAME: "voice" }, options: { "sample-rate": "32000", f0: "yin", json: true } });
    const u = parse(["upload", "voice", "a.wav", "dir/", "--state", "s.json"]);
    expect(u).toMatchObject({ kind: "run", command: { name: "upload" }, args: { NAME: "voice", PATH: ["a.wav", "dir/"] }, options: { state: "s.json" } });
    expect(parse(["pipeline", "v", "-f", "--epochs=3"])).toMatchObject({ options: { follow: true, epochs: "3" } });
    expect(parse(["convert", "m", "x.wav", "-o", "out"])).toMatchObject({ args: { MODEL: "m", INPUT: ["x.wav"] }, options: { out: "out" } });
  });

  it("answers help for no arguments, --help, `help CMD`, a group alone and `CMD --help`", () => {
    expect(parse([])).toEqual({ kind: "help", command: undefined });
    expect(parse(["--help"])).toEqual({ kind: "help", command: undefined });
    expect(parse(["models"])).toEqual({ kind: "help", command: undefined });
    expect(parse(["help", "models", "download"])).toMatchObject({ kind: "help", command: { name: "models download" } });
    expect(parse(["upload", "--help"])).toMatchObject({ kind: "help", command: { name: "upload" } });
    // help wins over missing positionals
    expect(parse(["convert", "-h"])).toMatchObject({ kind: "help", command: { name: "convert" } });
  });

  it("refuses unknown commands, unknown options, missing and extra positionals with a UsageError naming them", () => {
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /^unknown command "frobnicate"/],
      [["models", "burn"], /^unknown command "models burn"; "models" has: list, download$/],
      [["experiments", "create"], /^missing NAME$/],
      [["upload", "voice"], /^missing PATH$/],
      [["models", "download", "a", "b"], /^unexpected argument "b"$/],
      [["models", "list", "--kind", "pth"], /Unknown option '--kind'/],
      [["pipeline", "v", "--epochs"], /--epochs <value>' argument missing/],
    ];
    for (const [argv, message] of cases) {
      let err: unknown;
      try {
        parse(argv);
      } catch (e) {
        err = e;
      }
      expect(err, argv.join(" ")).toBeInstanceOf(UsageError);
      expect((err as Error).message, argv.join(" ")).toMatch(message);
    }
  });

  it("checks number options", () => {
    expect(intOption({ epochs: "12" }, "epochs")).toBe(12);
    expect(intOption({}, "epochs")).toBeUndefined();
    expect(() => intOption({ epochs: "1.5" }, "epochs")).toThrow('--epochs must be a whole number (got "1.5")');
    expect(() => intOption({ epochs: "" }, "epochs")).toThrow(UsageError);
    expect(numberOption({ x: "0.25" }, "x")).toBe(0.25);
    expect(numberOption({ x: "-3" }, "x")).toBe(-3);
    expect(() => numberOption({ x: "abc" }, "x")).toThrow('--x must be a number (got "abc")');
    expect(() => numberOption({ x: " " }, "x")).toThrow(UsageError);
  });

  it("has a help text for every command that lists its options and the global ones", () => {
    for (const c of COMMANDS) {
      const text = helpText(c);
      expect(text.startsWith(`usage: voice-studio ${c.usage}\n`)).toBe(true);
      for (const o of [...Object.keys(c.options), "json", "url", "help"]) expect(text, c.name).toContain(`--${o}`);
    }
    const all = helpText();
    for (const c of COMMANDS) expect(all).toContain(c.name);
    expect(all).toContain("VOICE_STUDIO_TOKEN");
  });
});

describe("formatError", () => {
  it("is one line: the API's message with code and status, request id, and a hint for credentials", () => {
    expect(formatError(new ApiError(409, "experiment_exists", 'An experiment named "x" already exists'))).toBe(
      'error: An experiment named "x" already exists (experiment_exists, HTTP 409)',
    );
    expect(formatError(new ApiError(500, "internal", "Internal error", { requestId: "r-1" }))).toBe("error: Internal error (internal, HTTP 500) [request id r-1]");
    expect(formatError(new ApiError(401, "unauthenticated", "Log in first"))).toMatch(/^error: Log in first \(unauthenticated, HTTP 401\); set VOICE_STUDIO_TOKEN/);
    expect(formatError(new ApiError(403, "forbidden", "Needs member", { required: "member", role: "viewer" }))).toMatch(/; this needs a read-write token$/);
    expect(formatError(new ApiError(0, "network_error", "Could not reach http://h:1: ECONNREFUSED"))).toBe("error: Could not reach http://h:1: ECONNREFUSED");
    expect(formatError(new Error("two\n  lines"))).toBe("error: two lines");
    expect(formatError(Object.assign(new Error("ENOENT: x"), { code: "ENOENT", path: "/x" }))).toBe("error: no such file or folder: /x");
    const usage = formatError(new UsageError("missing NAME", COMMANDS.find((c) => c.name === "experiments create")));
    expect(usage).toBe("error: missing NAME (usage: voice-studio experiments create NAME [--sample-rate 40000] [--f0 rmvpe|yin] [--version v2])");
    for (const line of [usage, formatError(new Error("a\nb"))]) expect(line).not.toContain("\n");
  });

  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MiB");
  });
});

describe("main", () => {
  it("exits 2 with one usage line on stderr for bad arguments, 0 with help on stdout, 1 with one line for an unreachable server", async () => {
    const bad = await run(["pipeline", "v", "--epochs", "two"]);
    expect(bad).toMatchObject({ code: 2, out: "" });
    expect(bad.err).toMatch(/^error: --epochs must be a whole number \(got "two"\) \(usage: voice-studio pipeline NAME/);
    expect(bad.err).not.toContain("\n");
    const help = await run(["models", "download", "--help"]);
    expect(help).toMatchObject({ code: 0, err: "" });
    expect(help.out).toMatch(/^usage: voice-studio models download MODEL/);
    // a port that was free a moment ago: nothing listens (connection refused)
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = await run(["jobs", "get", "x", "--url", `http://127.0.0.1:${port}`], { VOICE_STUDIO_TOKEN: "vs_x" });
    expect(down.code).toBe(1);
    expect(down.err).toBe(`error: Could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
    const badUrl = await run(["models", "list"], { VOICE_STUDIO_URL: "ftp://x" });
    expect(badUrl).toMatchObject({ code: 1, err: 'error: The server URL must start with http:// or https:// (got "ftp://x")' });
  }, 20_000);
});

describe("collectFiles", () => {
  it("walks folders recursively for audio files in a stable order, skipping hidden entries and other files", () => {
    const root = path.join(tmp, "walk");
    fs.mkdirSync(path.join(root, "b", "c"), { recursive: true });
    fs.mkdirSync(path.join(root, ".hidden"), { recursive: true });
    for (const f of ["z.wav", "a.FLAC", "notes.txt", "b/c/deep.mp3", "b/x.zip", ".hidden/h.wav", "b/.h.wav"]) fs.writeFileSync(path.join(root, f), "");
    expect(collectFiles([root]).map((f) => path.relative(root, f))).toEqual(["a.FLAC", path.join("b", "c", "deep.mp3"), "z.wav"]);
    // a file named directly: audio, or a zip where archives are allowed; the same file twice once
    expect(collectFiles([path.join(root, "b", "x.zip"), root, path.join(root, "z.wav")], { allowArchives: true }).map((f) => path.basename(f))).toEqual(["x.zip", "a.FLAC", "deep.mp3", "z.wav"]);
    expect(() => collectFiles([path.join(root, "notes.txt")])).toThrow(/notes\.txt is not an audio file \(by its extension: \.wav/);
    expect(() => collectFiles([path.join(root, "b", "x.zip")])).toThrow(UsageError);
    expect(() => collectFiles([path.join(root, "missing")])).toThrow(`no such file or folder: ${path.join(root, "missing")}`);
  });
});

describe("EventPrinter", () => {
  const ev = (kind: JobEvent["kind"], data: Record<string, unknown> | null, message: string | null = null, level: string | null = null): JobEvent => ({
    id: "1",
    jobId: "j",
    kind,
    level,
    message,
    data,
    at: "2026-01-01T00:00:00Z",
  });

  it("prints status and log lines, and progress only at each new 10 % or stage", () => {
    const p = new EventPrinter();
    expect(p.line("train", ev("status", { status: "running" }, "running"))).toBe("[train] running");
    expect(p.line("train", ev("status", { status: "failed", code: "x" }, "out of memory", "error"))).toBe("[train] failed: out of memory");
    expect(p.line("extract", ev("log", null, "index: 12 vectors"))).toBe("[extract] index: 12 vectors");
    expect(p.line("extract", ev("log", null, "slow disk", "warn"))).toBe("[extract] warn: slow disk");
    const prog = (percent: number, stage = "epoch") => p.line("train", ev("progress", { percent, stage, done: percent, total: 100, unit: "steps", etaSeconds: 5 }));
    expect(prog(3)).toBe("[train] 3% epoch 3/100 steps, about 5 s left");
    expect(prog(7)).toBeUndefined();
    expect(prog(12)).toBe("[train] 12% epoch 12/100 steps, about 5 s left");
    expect(prog(13, "index")).toBe("[train] 13% index 13/100 steps, about 5 s left");
    expect(p.line("train", ev("metric", { kind: "epoch", mel: 1 }))).toBeUndefined();
  });
});
