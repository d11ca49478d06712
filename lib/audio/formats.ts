/** Which uploads we accept, by file extension (checked on create, before any byte arrives). Pure. */

export const AUDIO_EXTENSIONS = ["wav", "wave", "flac", "mp3", "ogg", "oga", "opus", "m4a", "aac", "mp4"] as const;
export const ARCHIVE_EXTENSIONS = ["zip"] as const;

export type UploadKind = "audio" | "archive";

/** The lowercase extension of a user-supplied file name ("" when it has none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

export function uploadKind(filename: string): UploadKind | undefined {
  const ext = extensionOf(filename);
  if ((AUDIO_EXTENSIONS as readonly string[]).includes(ext)) return "audio";
  if ((ARCHIVE_EXTENSIONS as readonly string[]).includes(ext)) return "archive";
  return undefined;
}

export const ACCEPTED_EXTENSIONS_TEXT = [...AUDIO_EXTENSIONS, ...ARCHIVE_EXTENSIONS].map((e) => "." + e).join(", ");

/** ffmpeg demuxers we let read an upload (names as in `ffmpeg -formats`); anything else is refused unread. */
export const ALLOWED_DEMUXERS = ["wav", "w64", "flac", "mp3", "ogg", "mov", "aac", "matroska"] as const;
