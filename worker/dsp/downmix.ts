/**
 * The one way channels become mono: ffmpeg's `-ac 1` downmix (what RVC decodes with, rvc-formats §1), so slicing
 * thresholds and normalisation see the levels RVC sees. Pure.
 *
 * Gains per speaker, measured with ffmpeg (swresample, float output, so no normalisation) for every layout it names
 * up to 8 channels (bench/downmix-gains.py prints the table): front left/right and front left/right of centre
 * 1/√2, front centre 1, LFE 0 (dropped), back and side speakers 1/2. A stereo pair therefore sums to (L+R)/√2, 3 dB
 * above the plain average. A file whose layout is not stated (a plain WAV, a mask that does not fit its channel count)
 * gets ffmpeg's default layout for its channel count.
 */

const H = Math.SQRT1_2;

/** Gain of each speaker into mono, as ffmpeg's rematrix gives it. */
const SPEAKER_GAIN: Record<string, number> = {
  FL: H, FR: H, FC: 1, LFE: 0, BL: 0.5, BR: 0.5, FLC: H, FRC: H, BC: 0.5, SL: 0.5, SR: 0.5, DL: H, DR: H,
};

/** WAVE_FORMAT_EXTENSIBLE channel-mask bits in order (also ffmpeg's channel order). */
const MASK_SPEAKERS = ["FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC", "BC", "SL", "SR"] as const;

/** ffmpeg's named layouts up to 8 channels (`ffmpeg -layouts`). */
const NAMED_LAYOUTS: Record<string, readonly string[]> = {
  mono: ["FC"],
  stereo: ["FL", "FR"],
  downmix: ["DL", "DR"],
  "2.1": ["FL", "FR", "LFE"],
  "3.0": ["FL", "FR", "FC"],
  "3.0(back)": ["FL", "FR", "BC"],
  "4.0": ["FL", "FR", "FC", "BC"],
  quad: ["FL", "FR", "BL", "BR"],
  "quad(side)": ["FL", "FR", "SL", "SR"],
  "3.1": ["FL", "FR", "FC", "LFE"],
  "5.0": ["FL", "FR", "FC", "BL", "BR"],
  "5.0(side)": ["FL", "FR", "FC", "SL", "SR"],
  "4.1": ["FL", "FR", "FC", "LFE", "BC"],
  "5.1": ["FL", "FR", "FC", "LFE", "BL", "BR"],
  "5.1(side)": ["FL", "FR", "FC", "LFE", "SL", "SR"],
  "6.0": ["FL", "FR", "FC", "BC", "SL", "SR"],
  "6.0(front)": ["FL", "FR", "FLC", "FRC", "SL", "SR"],
  hexagonal: ["FL", "FR", "FC", "BL", "BR", "BC"],
  "6.1": ["FL", "FR", "FC", "LFE", "BC", "SL", "SR"],
  "6.1(back)": ["FL", "FR", "FC", "LFE", "BL", "BR", "BC"],
  "6.1(front)": ["FL", "FR", "LFE", "FLC", "FRC", "SL", "SR"],
  "7.0": ["FL", "FR", "FC", "BL", "BR", "SL", "SR"],
  "7.0(front)": ["FL", "FR", "FC", "FLC", "FRC", "SL", "SR"],
  "7.1": ["FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR"],
  "7.1(wide)": ["FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC"],
  "7.1(wide-side)": ["FL", "FR", "FC", "LFE", "FLC", "FRC", "SL", "SR"],
  octagonal: ["FL", "FR", "FC", "BL", "BR", "BC", "SL", "SR"],
};

/** The layout ffmpeg assigns to a file that states none, by channel count (measured: a 3-channel WAV is 2.1). */
const DEFAULT_LAYOUT: Record<number, string> = { 1: "mono", 2: "stereo", 3: "2.1", 4: "4.0", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1" };

/** What is known of a file's channel layout: ffmpeg's layout name, a WAV channel mask, or nothing. */
export type ChannelLayout = string | number | undefined;

function speakersOf(channels: number, layout: ChannelLayout): readonly string[] | undefined {
  if (typeof layout === "string") {
    const s = NAMED_LAYOUTS[layout.trim()];
    if (s && s.length === channels) return s;
  } else if (typeof layout === "number" && layout > 0) {
    const s = MASK_SPEAKERS.filter((_, bit) => layout & (1 << bit));
    // a mask with other speakers (top, wide…) or of another count is not used, as ffmpeg ignores a mismatched one
    if (s.length === channels && layout < 1 << MASK_SPEAKERS.length) return s;
  }
  const d = DEFAULT_LAYOUT[channels];
  return d ? NAMED_LAYOUTS[d] : undefined;
}

/** The gain of each channel into mono, as ffmpeg's `-ac 1` applies it. */
export function downmixGains(channels: number, layout?: ChannelLayout): number[] {
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError("no channels to mix");
  if (channels === 1) return [1]; // ffmpeg leaves a single channel as it is
  const speakers = speakersOf(channels, layout);
  if (!speakers) throw new RangeError(`no downmix for ${channels} channels (at most 8)`);
  return speakers.map((s) => SPEAKER_GAIN[s]!);
}

/** Mix `channels` (all the same length) to mono with ffmpeg's gains for `layout` (or the default for the count). */
export function downmix(channels: readonly Float32Array[], layout?: ChannelLayout): Float32Array {
  const gains = downmixGains(channels.length, layout);
  if (channels.length === 1) return channels[0]!.slice();
  const n = channels[0]!.length;
  const used = channels.map((x, c) => [x, gains[c]!] as const).filter(([, g]) => g !== 0);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const [x, g] of used) s += g * x[i]!;
    out[i] = s;
  }
  return out;
}
