/** Reading what ffmpeg (run with `-loglevel level+info`) says about its input. Pure. */

export interface InputInfo {
  /** demuxer, e.g. "wav", "mp3", "ogg", "mov,mp4,m4a,3gp,3g2,mj2" */
  container: string;
  /** codec of the first audio stream, e.g. "pcm_s16le", "mp3", "opus", "aac" (with profile: "aac (LC)" → "aac") */
  codec: string;
  sampleRate: number;
  channels: number;
  /** ffmpeg's name of the channel layout ("stereo", "5.1(side)"), when it names one: for the downmix */
  layout?: string;
  /** the container's own duration, if it states one and ffmpeg did not merely estimate it from the bitrate */
  declaredDurationSec?: number;
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1, stereo: 2, downmix: 2, "2.1": 3, "3.0": 3, "3.0(back)": 3, "4.0": 4, quad: 4, "quad(side)": 4, "3.1": 4,
  "5.0": 5, "5.0(side)": 5, "4.1": 5, "5.1": 6, "5.1(side)": 6, "6.0": 6, "6.0(front)": 6, hexagonal: 6, "6.1": 7,
  "6.1(back)": 7, "6.1(front)": 7, "7.0": 7, "7.0(front)": 7, "7.1": 8, "7.1(wide)": 8, "7.1(wide-side)": 8,
  octagonal: 8, hexadecagonal: 16,
};

export function layoutChannels(layout: string): number | undefined {
  const s = layout.trim();
  const n = /^(\d+) channels?/.exec(s);
  if (n) return Number(n[1]);
  return LAYOUT_CHANNELS[s];
}

/** Parse the "Input #0" block; undefined when ffmpeg printed none (it could not open the input). */
export function parseInputInfo(log: string): InputInfo | undefined {
  const lines = log.split(/\r?\n/).map((l) => l.replace(/^(\[[^\]]+ @ 0x[0-9a-f]+\] )?\[(\w+)\] /, ""));
  const start = lines.findIndex((l) => /^Input #0, /.test(l));
  if (start < 0) return undefined;
  const container = /^Input #0, (.+?), from /.exec(lines[start]!)?.[1] ?? "unknown";
  let declared: number | undefined;
  let stream: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^(Stream mapping:|Output #0|Input #1)/.test(l)) break;
    const d = /^\s+Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(l);
    if (d) declared = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
    if (!stream && /^\s+Stream #0:\d+.*?: Audio: /.test(l)) stream = l;
  }
  if (!stream) return undefined;
  const after = stream.slice(stream.indexOf(": Audio: ") + ": Audio: ".length);
  // "aac (LC) (mp4a / 0x6134706D), 22050 Hz, mono, fltp, 68 kb/s (default)"
  const codec = /^([A-Za-z0-9_]+)/.exec(after)?.[1] ?? "unknown";
  const parts = after.split(/,\s*/);
  const hzAt = parts.findIndex((p) => /^\d+ Hz$/.test(p));
  const sampleRate = hzAt >= 0 ? Number(parts[hzAt]!.split(" ")[0]) : NaN;
  const layoutText = hzAt >= 0 ? parts[hzAt + 1]?.trim() : undefined;
  const channels = layoutText !== undefined ? layoutChannels(layoutText) : undefined;
  const layout = layoutText !== undefined && LAYOUT_CHANNELS[layoutText] !== undefined ? { layout: layoutText } : {};
  if (!Number.isFinite(sampleRate) || sampleRate <= 0 || channels === undefined) return undefined;
  const estimated = /Estimating duration from bitrate/.test(log);
  return { container, codec, sampleRate, channels, ...layout, ...(declared !== undefined && !estimated ? { declaredDurationSec: declared } : {}) };
}

/** The lines ffmpeg flagged as errors (or worse), without their prefixes. */
export function errorLines(log: string): string[] {
  return log
    .split(/\r?\n/)
    .filter((l) => /\[(error|fatal|panic)\] /.test(l))
    .map((l) => l.replace(/^.*?\[(error|fatal|panic)\] /, "").trim());
}
