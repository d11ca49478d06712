/**
 * `filelist.txt` (rvc-formats §4.1): one line per stem present in every input folder, plus exactly two
 * lines pointing at the mute files; absolute paths, `|`-separated, shuffled, no trailing newline.
 */
export interface MuteFiles {
  gt: string;
  feature: string;
  f0: string;
  f0nsf: string;
}

export interface FilelistInput {
  dirs: { gt: string; feature: string; f0: string; f0nsf: string };
  /** stems (file names up to the first ".") found in each folder */
  stems: { gt: string[]; feature: string[]; f0: string[]; f0nsf: string[] };
  f0: boolean;
  speakerId: number;
  mute: MuteFiles;
  random?: () => number;
  /** stems kept out of training (validation clips): never in filelist.txt, listed in `heldOutText` instead */
  heldOut?: string[];
  /** stems the dataset doctor's exclusions leave out (lib/dataset/exclusions.ts): neither trained nor held out */
  excluded?: ReadonlySet<string>;
}

/** RVC takes the stem up to the FIRST dot: "0_3.wav.npy" → "0_3". */
export function stemOf(fileName: string): string {
  const i = fileName.indexOf(".");
  return i < 0 ? fileName : fileName.slice(0, i);
}

export function shuffle<T>(items: T[], random: () => number = Math.random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** One stem's filelist line (also the trainer's --heldout and --probe files). Pure. */
export function filelistLine(dirs: FilelistInput["dirs"], f0: boolean, speakerId: number, s: string): string {
  const parts = f0
    ? [`${dirs.gt}/${s}.wav`, `${dirs.feature}/${s}.npy`, `${dirs.f0}/${s}.wav.npy`, `${dirs.f0nsf}/${s}.wav.npy`]
    : [`${dirs.gt}/${s}.wav`, `${dirs.feature}/${s}.npy`];
  return [...parts, String(speakerId)].join("|");
}

export function buildFilelist(input: FilelistInput): { text: string; stems: string[]; heldOut: string[]; heldOutText: string } {
  const { dirs, f0, speakerId, mute } = input;
  let stems = new Set(input.excluded ? input.stems.gt.filter((s) => !input.excluded!.has(s)) : input.stems.gt);
  const keep = (list: string[]) => (stems = new Set(list.filter((s) => stems.has(s))));
  keep(input.stems.feature);
  if (f0) {
    keep(input.stems.f0);
    keep(input.stems.f0nsf);
  }
  const all = [...stems].sort();
  const held = new Set((input.heldOut ?? []).filter((s) => stems.has(s)));
  const sorted = all.filter((s) => !held.has(s));
  const line = (parts: string[]) => [...parts, String(speakerId)].join("|");
  const lineOf = (s: string) => filelistLine(dirs, f0, speakerId, s);
  const lines = sorted.map(lineOf);
  const heldOut = [...held].sort();
  const muteLine = line(f0 ? [mute.gt, mute.feature, mute.f0, mute.f0nsf] : [mute.gt, mute.feature]);
  lines.push(muteLine, muteLine);
  return { text: shuffle(lines, input.random).join("\n"), stems: sorted, heldOut, heldOutText: heldOut.map(lineOf).join("\n") };
}

/** Held-out defaults (issue 15): this share of the slices, at least MIN and at most MAX of them. */
export const HELD_OUT_MIN = 2;
export const HELD_OUT_MAX = 20;

/** A small deterministic string hash (FNV-1a 32 bit): the held-out order does not depend on Math.random. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The source file a slice came from: preprocess names slices `{file}_{slice}`, so the part before the last "_". */
export function sourceOf(stem: string): string {
  const i = stem.lastIndexOf("_");
  return i < 0 ? stem : stem.slice(0, i);
}

/** How many slices to hold out of `total`: `fraction` of them, at least 2, at most 20 and at most half; 0 = off. Pure. */
export function heldOutCount(total: number, fraction: number): number {
  if (!(fraction > 0) || total < 2 * HELD_OUT_MIN) return 0;
  const want = Math.max(HELD_OUT_MIN, Math.min(HELD_OUT_MAX, Math.round(total * fraction)));
  return Math.min(want, Math.floor(total / 2));
}

/**
 * The held-out slices: deterministic (sources in a fixed hash order, slices sorted), whole source files first so that
 * neighbouring slices of a held-out clip do not train; only when no whole file fits what is still needed are the first
 * slices of one file taken. Pure.
 */
export function pickHeldOut(stems: string[], fraction: number): string[] {
  const need0 = heldOutCount(stems.length, fraction);
  if (need0 === 0) return [];
  const bySource = new Map<string, string[]>();
  for (const s of [...stems].sort()) {
    const k = sourceOf(s);
    bySource.set(k, [...(bySource.get(k) ?? []), s]);
  }
  const order = [...bySource.keys()].sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : a > b ? 1 : 0));
  const picked: string[] = [];
  let need = need0;
  const rest: string[] = [];
  for (const k of order) {
    const group = bySource.get(k)!;
    if (group.length <= need) {
      picked.push(...group);
      need -= group.length;
    } else rest.push(k);
    if (need === 0) break;
  }
  for (const k of rest) {
    if (need === 0) break;
    const group = bySource.get(k)!;
    picked.push(...group.slice(0, need));
    need -= Math.min(need, group.length);
  }
  return picked.sort();
}
