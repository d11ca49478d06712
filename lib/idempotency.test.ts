import { describe, expect, it } from "vitest";
import { batchProgress, outputNames } from "./conversion-batches";
import { checkIdempotencyKey, hashFormRequest, hashTextRequest, idempotencyApplies } from "./idempotency";

describe("Idempotency-Key rules", () => {
  it("applies to POSTs except tus, auth, tokens and users", () => {
    expect(idempotencyApplies("POST", "/api/experiments")).toBe(true);
    expect(idempotencyApplies("POST", "/api/conversions/batch")).toBe(true);
    expect(idempotencyApplies("POST", "/api/experiments/a/train")).toBe(true);
    expect(idempotencyApplies("PATCH", "/api/experiments/a")).toBe(false);
    for (const p of ["/api/uploads", "/api/uploads/abc", "/api/auth/login", "/api/auth/setup", "/api/tokens", "/api/users"]) {
      expect(idempotencyApplies("POST", p), p).toBe(false);
    }
  });

  it("keys are 1–255 printable ASCII characters", () => {
    expect(checkIdempotencyKey("a")).toBe("a");
    expect(checkIdempotencyKey("~".repeat(255))).toHaveLength(255);
    for (const bad of ["", "x".repeat(256), "new\nline", "é"]) expect(() => checkIdempotencyKey(bad)).toThrow(/printable ASCII/);
  });

  it("the request hash changes with method, path, body, a field, or a file's content; not with field order", () => {
    const base = hashTextRequest("POST", "/api/experiments", '{"name":"a"}');
    expect(hashTextRequest("POST", "/api/experiments", '{"name":"b"}')).not.toBe(base);
    expect(hashTextRequest("POST", "/api/conversions", '{"name":"a"}')).not.toBe(base);
    const file = { field: "audio", name: "a.wav", bytes: 10, sha256: "00" };
    const form = hashFormRequest("POST", "/p", { a: "1", b: "2" }, [file]);
    expect(hashFormRequest("POST", "/p", { b: "2", a: "1" }, [file])).toBe(form);
    expect(hashFormRequest("POST", "/p", { a: "1", b: "3" }, [file])).not.toBe(form);
    expect(hashFormRequest("POST", "/p", { a: "1", b: "2" }, [{ ...file, sha256: "01" }])).not.toBe(form);
  });
});

describe("batch progress and zip names", () => {
  const clip = (status: string, progress = 0) => ({ status, progress });
  it("status and counters follow the clips", () => {
    expect(batchProgress(3, [clip("queued"), clip("queued"), clip("queued")])).toMatchObject({ status: "queued", done: 0, failed: 0, progress: 0 });
    expect(batchProgress(2, [clip("running", 0.5), clip("queued")])).toMatchObject({ status: "running", progress: 0.25 });
    expect(batchProgress(2, [clip("succeeded"), clip("succeeded")])).toMatchObject({ status: "succeeded", done: 2, finished: true, progress: 1 });
    expect(batchProgress(2, [clip("succeeded"), clip("failed")])).toMatchObject({ status: "partial", done: 1, failed: 1 });
    expect(batchProgress(2, [clip("cancelled"), clip("failed")])).toMatchObject({ status: "failed", failed: 2 });
    // a clip removed from the history counts as failed
    expect(batchProgress(2, [clip("succeeded")])).toMatchObject({ status: "partial", done: 1, failed: 1, finished: true });
  });

  it("zip entries are named after the inputs, repeated names numbered", () => {
    expect(outputNames(["a/x.wav", "b/x.wav", "y.mp3", "X.flac"], "voice")).toEqual(["x.voice.wav", "x (2).voice.wav", "y.voice.wav", "X (3).voice.wav"]);
  });
});
