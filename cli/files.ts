/** Which local files a command works on: files as given, folders walked recursively for audio files. */
import fs from "node:fs";
import path from "node:path";
import { AUDIO_EXTENSIONS, uploadKind } from "../lib/audio/formats";
import { UsageError } from "./args";

/**
 * The files under `inputs`, in a stable order: a folder contributes its audio files (recursively, sorted, hidden
 * entries skipped); a file named directly must be audio (or, with `allowArchives`, a .zip the server unpacks).
 * A missing path or a non-audio file named directly is a usage error before anything is sent.
 */
export function collectFiles(inputs: string[], opts: { allowArchives?: boolean } = {}): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    const abs = path.resolve(f);
    if (!seen.has(abs)) (seen.add(abs), out.push(abs));
  };
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && uploadKind(e.name) === "audio") add(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      throw new UsageError(`no such file or folder: ${input}`);
    }
    if (st.isDirectory()) walk(input);
    else {
      const kind = uploadKind(input);
      if (kind === "audio" || (kind === "archive" && opts.allowArchives)) add(input);
      else throw new UsageError(`${input} is not an audio file (by its extension: ${AUDIO_EXTENSIONS.map((e) => "." + e).join(", ")}${opts.allowArchives ? ", or .zip" : ""})`);
    }
  }
  return out;
}
