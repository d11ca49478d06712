/**
 * Limits that refuse hostile uploads before they cost disk or memory. Pure: the callers gather the facts (a zip's
 * central directory, the unfinished uploads in UPLOADS_DIR/.incoming) and throw what these return.
 */
import type { ApiError } from "../errors";
import { uploadErrors } from "./errors";

/** uncompressed/compressed above this looks like a zip bomb; audio rarely passes 10×. */
export const ZIP_MAX_RATIO = 200;
/**
 * Expansion allowed on top of the ratio, so that a small, very compressible entry (a short silent WAV, a
 * .DS_Store) is not a "bomb": an entry may unpack to ZIP_MAX_RATIO × its compressed size + this, and the whole
 * archive to ZIP_MAX_RATIO × its size + this.
 */
export const ZIP_RATIO_SLACK_BYTES = 32 * 1024;

export interface ZipEntrySizes {
  fileName: string;
  uncompressedSize: number;
  compressedSize: number;
}

/** The central directory's promises against the limits: entry count, unpacked total, each entry's and the archive's ratio. */
export function zipSizeIssue(
  entries: readonly ZipEntrySizes[],
  archiveBytes: number,
  limits: { maxEntries: number; maxUnpackedBytes: number },
): ApiError | undefined {
  if (entries.length > limits.maxEntries) return uploadErrors.zipTooManyEntries(entries.length, limits.maxEntries);
  let total = 0;
  for (const e of entries) total += e.uncompressedSize;
  if (total > limits.maxUnpackedBytes) return uploadErrors.zipTooLarge(total, limits.maxUnpackedBytes);
  for (const e of entries) {
    if (e.uncompressedSize > ZIP_MAX_RATIO * e.compressedSize + ZIP_RATIO_SLACK_BYTES) {
      return uploadErrors.zipRatio(e.fileName, e.uncompressedSize / Math.max(1, e.compressedSize), ZIP_MAX_RATIO);
    }
  }
  if (total > ZIP_MAX_RATIO * archiveBytes + ZIP_RATIO_SLACK_BYTES) {
    return uploadErrors.zipArchiveRatio(entries.length, total, archiveBytes, ZIP_MAX_RATIO);
  }
  return undefined;
}

/** An upload created and not yet processed, as its tus .json describes it. */
export interface UnfinishedUpload {
  id: string;
  experimentId: string;
  /** the declared length (Upload-Length) */
  size: number;
}

export interface UnfinishedLimits {
  quotaBytes: number;
  perExperiment: number;
  total: number;
}

/**
 * May a new upload of `size` bytes start in this experiment? Unfinished uploads count by their declared length
 * against the quota, and their number is capped per experiment and on the whole server.
 */
export function unfinishedIssue(
  req: { experiment: string; experimentId: string; size: number },
  usedBytes: number,
  unfinished: readonly UnfinishedUpload[],
  limits: UnfinishedLimits,
): ApiError | undefined {
  if (unfinished.length >= limits.total) return uploadErrors.tooManyUnfinished("server", unfinished.length, limits.total);
  const mine = unfinished.filter((u) => u.experimentId === req.experimentId);
  if (mine.length >= limits.perExperiment) {
    return uploadErrors.tooManyUnfinished({ experiment: req.experiment }, mine.length, limits.perExperiment);
  }
  const pending = mine.reduce((s, u) => s + u.size, 0);
  if (usedBytes + pending + req.size > limits.quotaBytes) {
    return mine.length === 0
      ? uploadErrors.quota(req.experiment, usedBytes, req.size, limits.quotaBytes)
      : uploadErrors.quotaWithUnfinished(req.experiment, usedBytes, { count: mine.length, bytes: pending }, req.size, limits.quotaBytes);
  }
  return undefined;
}
