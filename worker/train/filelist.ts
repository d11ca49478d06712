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

export function buildFilelist(input: FilelistInput): { text: string; stems: string[] } {
  const { dirs, f0, speakerId, mute } = input;
  let stems = new Set(input.stems.gt);
  const keep = (list: string[]) => (stems = new Set(list.filter((s) => stems.has(s))));
  keep(input.stems.feature);
  if (f0) {
    keep(input.stems.f0);
    keep(input.stems.f0nsf);
  }
  const sorted = [...stems].sort();
  const line = (parts: string[]) => [...parts, String(speakerId)].join("|");
  const lines = sorted.map((s) =>
    line(
      f0
        ? [`${dirs.gt}/${s}.wav`, `${dirs.feature}/${s}.npy`, `${dirs.f0}/${s}.wav.npy`, `${dirs.f0nsf}/${s}.wav.npy`]
        : [`${dirs.gt}/${s}.wav`, `${dirs.feature}/${s}.npy`],
    ),
  );
  const muteLine = line(f0 ? [mute.gt, mute.feature, mute.f0, mute.f0nsf] : [mute.gt, mute.feature]);
  lines.push(muteLine, muteLine);
  return { text: shuffle(lines, input.random).join("\n"), stems: sorted };
}
