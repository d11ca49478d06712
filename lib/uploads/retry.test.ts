import { describe, expect, it } from "vitest";
import { errorCodeOf, shouldRetryUpload } from "./retry";

describe("shouldRetryUpload", () => {
  it("does not retry the server's final answers", () => {
    expect(shouldRetryUpload(409, "duplicate_file")).toBe(false);
    expect(shouldRetryUpload(409, undefined)).toBe(false);
    expect(shouldRetryUpload(422, "invalid_audio")).toBe(false);
    expect(shouldRetryUpload(413, "quota_exceeded")).toBe(false);
    expect(shouldRetryUpload(429, "too_many_unfinished_uploads")).toBe(false);
    expect(shouldRetryUpload(403, "forbidden")).toBe(false);
    expect(shouldRetryUpload(507, "disk_full")).toBe(false);
  });
  it("retries what can pass: network errors, server errors, locks, offset conflicts", () => {
    expect(shouldRetryUpload(0, undefined)).toBe(true);
    expect(shouldRetryUpload(500, "internal")).toBe(true);
    expect(shouldRetryUpload(503, undefined)).toBe(true);
    expect(shouldRetryUpload(423, undefined)).toBe(true);
    expect(shouldRetryUpload(409, "offset_conflict")).toBe(true);
  });
});

describe("errorCodeOf", () => {
  it("reads error.code of a JSON body and nothing else", () => {
    expect(errorCodeOf('{"error":{"code":"duplicate_file","message":"x"}}')).toBe("duplicate_file");
    expect(errorCodeOf("<html>")).toBeUndefined();
    expect(errorCodeOf('{"error":{"code":5}}')).toBeUndefined();
    expect(errorCodeOf("")).toBeUndefined();
    expect(errorCodeOf(undefined)).toBeUndefined();
  });
});
