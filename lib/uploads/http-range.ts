/** A single HTTP byte range and audio content types. Pure. */
import { extensionOf } from "../audio/formats";

/** undefined: no (usable) Range header, serve everything; "unsatisfiable": 416. Only one range is honoured. */
export function parseRange(header: string | null, size: number): [number, number] | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return [start, end];
}

const TYPES: Record<string, string> = {
  wav: "audio/wav",
  wave: "audio/wav",
  flac: "audio/flac",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  m4a: "audio/mp4",
  mp4: "audio/mp4",
  aac: "audio/aac",
};

export function audioContentType(storedName: string): string {
  return TYPES[extensionOf(storedName)] ?? "application/octet-stream";
}
