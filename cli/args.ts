/**
 * The command line of `voice-studio` (`npm run cli -- …`): which commands exist, their options and help, and the
 * parsing of argv into one of them (node:util parseArgs, strict). Pure: no I/O, no process access.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string] & { help: string; value?: string };

export interface CommandSpec {
  /** e.g. "experiments create" */
  name: string;
  usage: string;
  summary: string;
  /** positional names in order; a trailing "..." takes one or more */
  positionals: string[];
  options: Record<string, OptionSpec>;
}

const GLOBAL: Record<string, OptionSpec> = {
  json: { type: "boolean", help: "print machine-readable JSON (one object per line while following) on stdout" },
  url: { type: "string", value: "URL", help: "the server (default: $VOICE_STUDIO_URL or http://127.0.0.1:3000)" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

const FOLLOW_OPTIONS = {
  follow: { type: "boolean", short: "f", help: "print progress until the job ends; the exit code is non-zero unless it succeeded" },
} satisfies Record<string, OptionSpec>;

export const COMMANDS: CommandSpec[] = [
  {
    name: "experiments create",
    usage: "experiments create NAME [--sample-rate 40000] [--f0 rmvpe|yin] [--version v2]",
    summary: "create an experiment",
    positionals: ["NAME"],
    options: {
      "sample-rate": { type: "string", value: "HZ", help: "32000, 40000 (default) or 48000" },
      f0: { type: "string", value: "METHOD", help: "pitch method for extraction: rmvpe (default) or yin" },
      version: { type: "string", value: "V", help: "RVC model version: v2 (default) or v1" },
    },
  },
  { name: "experiments list", usage: "experiments list", summary: "list experiments", positionals: [], options: {} },
  {
    name: "upload",
    usage: "upload NAME PATH... [--state FILE]",
    summary: "upload audio files and folders (recursive, audio extensions only) into an experiment; resumable",
    positionals: ["NAME", "PATH..."],
    options: {
      state: { type: "string", value: "FILE", help: "where unfinished uploads are remembered (default ~/.config/voice-studio/uploads.json)" },
    },
  },
  {
    name: "pipeline",
    usage: "pipeline NAME [--epochs N] [--batch-size N] [--save-every N] [--pretrained default|none] [--precision auto] [--follow]",
    summary: "run preprocess → extract → train",
    positionals: ["NAME"],
    options: {
      epochs: { type: "string", value: "N", help: "epochs to train (default 20)" },
      "batch-size": { type: "string", value: "N", help: "batch size (default 4)" },
      "save-every": { type: "string", value: "N", help: "checkpoint every N epochs" },
      "save-latest-only": { type: "boolean", help: "keep only the latest checkpoint" },
      pretrained: { type: "string", value: "WHICH", help: "default or none" },
      precision: { type: "string", value: "P", help: "auto, fp32, fp16 or bf16" },
      ...FOLLOW_OPTIONS,
    },
  },
  { name: "jobs follow", usage: "jobs follow ID", summary: "print a job's progress until it ends (exit code non-zero unless it succeeded)", positionals: ["ID"], options: {} },
  { name: "jobs get", usage: "jobs get ID", summary: "show a job", positionals: ["ID"], options: {} },
  { name: "jobs cancel", usage: "jobs cancel ID", summary: "cancel a job", positionals: ["ID"], options: {} },
  {
    name: "convert",
    usage: "convert MODEL INPUT... [--out DIR] [--pitch N] [--index-rate X] [--f0-method rmvpe|yin] [--protect X] [--filter-radius N] [--rms-mix-rate X]",
    summary: "convert audio files (or folders of them) with a model (id or name) and download the results",
    positionals: ["MODEL", "INPUT..."],
    options: {
      out: { type: "string", short: "o", value: "DIR", help: "where the converted WAVs go (default: the current folder)" },
      pitch: { type: "string", value: "N", help: "transpose in semitones, -24..24 (default 0)" },
      "index-rate": { type: "string", value: "X", help: "0..1 (default 0.75)" },
      "f0-method": { type: "string", value: "M", help: "rmvpe (default) or yin" },
      protect: { type: "string", value: "X", help: "0..0.5 (default 0.33)" },
      "filter-radius": { type: "string", value: "N", help: "0..7 (default 3)" },
      "rms-mix-rate": { type: "string", value: "X", help: "0..1 (default 0.25)" },
    },
  },
  { name: "models list", usage: "models list", summary: "list models", positionals: [], options: {} },
  {
    name: "models download",
    usage: "models download MODEL [--out DIR] [--kind pth|index|onnx|zip]",
    summary: "download a model (id or name)",
    positionals: ["MODEL"],
    options: {
      out: { type: "string", short: "o", value: "DIR", help: "target folder (default: the current folder)" },
      kind: { type: "string", value: "KIND", help: "pth (default), index, onnx, or zip (all three + model.json)" },
    },
  },
];

export class UsageError extends Error {
  constructor(
    message: string,
    /** the command whose usage to point at, when known */
    readonly command?: CommandSpec,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export type Parsed =
  | { kind: "help"; command?: CommandSpec }
  | { kind: "run"; command: CommandSpec; args: Record<string, string | string[]>; options: Record<string, string | boolean | undefined> };

/** The command named by the leading words of argv (one or two words), or undefined. */
function findCommand(argv: string[]): { command: CommandSpec; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

export function parse(argv: string[]): Parsed {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    const topic = argv[0] === "help" ? findCommand(argv.slice(1))?.command : undefined;
    return { kind: "help", command: topic };
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length > 0) {
      if (argv.length === 1 || argv[1] === "--help" || argv[1] === "-h") return { kind: "help", command: undefined };
      throw new UsageError(`unknown command "${argv[0]} ${argv[1]}"; "${argv[0]}" has: ${group.map((c) => c.name.split(" ")[1]).join(", ")}`);
    }
    throw new UsageError(`unknown command "${argv[0]}"; run with --help for the list`);
  }
  const { command, rest } = found;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const options: ParseArgsConfig["options"] = {};
    for (const [k, v] of Object.entries({ ...GLOBAL, ...command.options })) options[k] = { type: v.type, ...(v.short ? { short: v.short } : {}) } as never;
    ({ values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    });
  } catch (err) {
    // parseArgs's messages are clear but long; keep the first sentence
    throw new UsageError(String((err as Error).message).split(". ")[0]!.replace(/\.$/, ""), command);
  }
  if (values.help) return { kind: "help", command };
  const args: Record<string, string | string[]> = {};
  let i = 0;
  for (const p of command.positionals) {
    if (p.endsWith("...")) {
      const all = positionals.slice(i);
      if (all.length === 0) throw new UsageError(`missing ${p.slice(0, -3)}`, command);
      args[p.slice(0, -3)] = all;
      i = positionals.length;
    } else {
      const v = positionals[i++];
      if (v === undefined) throw new UsageError(`missing ${p}`, command);
      args[p] = v;
    }
  }
  if (i < positionals.length) throw new UsageError(`unexpected argument "${positionals[i]}"`, command);
  return { kind: "run", command, args, options: values };
}

/** An option that must be an integer (when given), e.g. `--epochs 2`. */
export function intOption(options: Record<string, unknown>, name: string, command?: CommandSpec): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || !/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number (got ${JSON.stringify(raw)})`, command);
  return Number(raw);
}

/** An option that must be a number (when given), e.g. `--index-rate 0.5`. */
export function numberOption(options: Record<string, unknown>, name: string, command?: CommandSpec): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got ${JSON.stringify(raw)})`, command);
  return n;
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([k, v]) => {
    const flag = `${v.short ? `-${v.short}, ` : ""}--${k}${v.type === "string" ? ` ${v.value ?? "VALUE"}` : ""}`;
    return `  ${flag.padEnd(28)} ${v.help}`;
  });
}

export function helpText(command?: CommandSpec): string {
  if (command) {
    return [
      `usage: voice-studio ${command.usage}`,
      "",
      command.summary,
      "",
      "options:",
      ...optionLines({ ...command.options, ...GLOBAL }),
      "",
    ].join("\n");
  }
  return [
    "usage: voice-studio COMMAND [options]      (npm run cli -- COMMAND …)",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(20)} ${c.summary}`),
    "",
    "options of every command:",
    ...optionLines(GLOBAL),
    "",
    "environment: VOICE_STUDIO_URL (default http://127.0.0.1:3000), VOICE_STUDIO_TOKEN (an API token, vs_…;",
    "create one on the Account page). `voice-studio COMMAND --help` shows a command's options.",
    "",
  ].join("\n");
}
