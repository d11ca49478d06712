/** API errors of the upload path (api.md error shape; statuses 400/404/409/413/415/422/429). */
import { ApiError } from "../errors";
import { formatBytes } from "../format";
import { ACCEPTED_EXTENSIONS_TEXT } from "../audio/formats";

export const uploadErrors = {
  missingMetadata: (key: string) =>
    new ApiError(400, "missing_metadata", `Upload-Metadata must carry "${key}" (base64), e.g. experiment and filename`, { key }),
  invalidFilename: (name: string, why: string) =>
    new ApiError(400, "invalid_filename", `The file name ${JSON.stringify(name)} is not accepted: ${why}`, { filename: name }),
  lengthRequired: () =>
    new ApiError(400, "length_required", "Declare the upload's size with Upload-Length (deferred length is not accepted)"),
  unsupportedType: (name: string) =>
    new ApiError(415, "unsupported_type", `"${name}" is not an accepted type; use ${ACCEPTED_EXTENSIONS_TEXT}`, {
      filename: name,
    }),
  tooLarge: (size: number, max: number) =>
    new ApiError(413, "upload_too_large", `The upload is ${formatBytes(size)}; the limit is ${formatBytes(max)} (MAX_UPLOAD_BYTES)`, {
      size,
      max,
    }),
  quota: (experiment: string, used: number, size: number, quota: number) =>
    new ApiError(
      413,
      "quota_exceeded",
      `Experiment "${experiment}" holds ${formatBytes(used)}; adding ${formatBytes(size)} would pass its quota of ${formatBytes(quota)} (EXPERIMENT_QUOTA_BYTES)`,
      { used, size, quota },
    ),
  quotaWithUnfinished: (experiment: string, used: number, unfinished: { count: number; bytes: number }, size: number, quota: number) =>
    new ApiError(
      413,
      "quota_exceeded",
      `Experiment "${experiment}" holds ${formatBytes(used)} and its ${unfinished.count} unfinished upload(s) declare ${formatBytes(unfinished.bytes)} more; ` +
        `adding ${formatBytes(size)} would pass its quota of ${formatBytes(quota)} (EXPERIMENT_QUOTA_BYTES). Finish or cancel those uploads first`,
      { used, unfinishedBytes: unfinished.bytes, unfinishedCount: unfinished.count, size, quota },
    ),
  tooManyUnfinished: (scope: { experiment: string } | "server", count: number, max: number) =>
    new ApiError(
      429,
      "too_many_unfinished_uploads",
      scope === "server"
        ? `${count} uploads are unfinished on this server; the limit is ${max} (MAX_UNFINISHED_UPLOADS_TOTAL). Try again when some have finished`
        : `Experiment "${scope.experiment}" has ${count} unfinished uploads; the limit is ${max} (MAX_UNFINISHED_UPLOADS). Finish or cancel some first`,
      { count, max },
    ),
  empty: (name: string) => new ApiError(422, "empty_file", `"${name}" is empty (0 bytes)`, { filename: name }),
  invalidAudio: (name: string, problem: string, reason: string) =>
    new ApiError(422, "invalid_audio", `"${name}" was rejected: ${reason}`, { filename: name, problem }),
  duplicate: (name: string, existing: { id: string; originalName: string }) =>
    new ApiError(409, "duplicate_file", `"${name}" has the same content as "${existing.originalName}", which is already in the experiment`, {
      filename: name,
      existing,
    }),
  zipUnsafePath: (entry: string) =>
    new ApiError(422, "zip_unsafe_path", `The archive was rejected: its entry ${JSON.stringify(entry)} points outside the archive`, {
      entry,
    }),
  zipRatio: (entry: string, ratio: number, limit: number) =>
    new ApiError(
      422,
      "zip_suspicious_ratio",
      `The archive was rejected: "${entry}" would expand ${Math.round(ratio)}× (more than ${limit}×), like a zip bomb`,
      { entry, ratio, limit },
    ),
  zipArchiveRatio: (entries: number, unpacked: number, archive: number, limit: number) =>
    new ApiError(
      422,
      "zip_suspicious_ratio",
      `The archive was rejected: its ${entries} entries would expand ${formatBytes(archive)} to ${formatBytes(unpacked)}, ` +
        `${Math.round(unpacked / Math.max(1, archive))}× (more than ${limit}×), like a zip bomb`,
      { entries, unpacked, archive, ratio: unpacked / Math.max(1, archive), limit },
    ),
  zipTooManyEntries: (count: number, max: number) =>
    new ApiError(413, "zip_too_many_entries", `The archive holds ${count} entries; the limit is ${max} (ZIP_MAX_ENTRIES)`, { count, max }),
  zipTooLarge: (bytes: number, max: number) =>
    new ApiError(413, "zip_too_large", `The archive unpacks to ${formatBytes(bytes)}; the limit is ${formatBytes(max)} (ZIP_MAX_UNPACKED_BYTES)`, {
      bytes,
      max,
    }),
  zipInvalid: (reason: string) => new ApiError(422, "zip_invalid", `The archive could not be read: ${reason}`),
  zipNoAudio: (skipped: { name: string; reason: string }[]) =>
    new ApiError(
      422,
      "zip_no_audio",
      `The archive holds no usable audio${skipped.length ? `: ${skipped.slice(0, 3).map((s) => `${s.name} (${s.reason})`).join("; ")}${skipped.length > 3 ? "; …" : ""}` : ""}`,
      { skipped },
    ),
};
