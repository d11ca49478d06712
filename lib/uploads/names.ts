/** The user's file name: shown and stored in the database, never used as a path. Pure. */
import { uploadErrors } from "./errors";

/**
 * Check and tidy the name sent in Upload-Metadata. A relative folder path ("speaker/take 1.wav", from a folder
 * upload) is kept; "..", absolute paths, control characters and over-long names are refused.
 */
export function cleanOriginalName(raw: string): string {
  const name = raw.normalize("NFC").replace(/\\/g, "/");
  if (name.trim() === "") throw uploadErrors.invalidFilename(raw, "it is empty");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw uploadErrors.invalidFilename(raw, "it contains control characters");
  if (Buffer.byteLength(name, "utf8") > 1024) throw uploadErrors.invalidFilename(raw, "it is longer than 1024 bytes");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw uploadErrors.invalidFilename(raw, "it is an absolute path");
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw uploadErrors.invalidFilename(raw, 'it contains ".." path segments');
  if (parts.length === 0) throw uploadErrors.invalidFilename(raw, "it is empty");
  return parts.join("/");
}
