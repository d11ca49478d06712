import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/errors";
import { CreateExperimentBody, ExperimentPatchBody } from "../../lib/api/common";
import { parsePart } from "../../lib/api/spec";
import { checkName } from "../../lib/experiment-rules";
import { refusal as apiError } from "../helpers/refusal";

// the request bodies of POST /api/experiments and PATCH /api/experiments/{name}, as the route wrapper parses them
const parseCreate = (body: Record<string, unknown>) => parsePart(CreateExperimentBody, body, "body");
const parsePatch = (body: Record<string, unknown>) => parsePart(ExperimentPatchBody, body, "body");


describe("experiment rules", () => {
  it.each(["a", "my-voice", "v2_take_3", "0abc", "a".repeat(64)])("accepts the name %j", (n) => {
    expect(checkName(n)).toBe(n);
  });

  it.each(["", "-a", "_a", "Alice", "has space", "a/b", "..", "a".repeat(65), 42, null])("rejects the name %j with the rule", (n) => {
    const e = apiError(() => checkName(n));
    expect(e.status).toBe(400);
    expect(e.code).toBe("invalid_name");
    expect(e.message).toContain("lowercase letters, digits, '-' and '_'");
  });

  it.each([undefined, null, ""])("says a missing name (%j) is missing, not \"Invalid experiment name undefined\"", (n) => {
    const e = apiError(() => parseCreate(n === undefined ? {} : { name: n }));
    expect(e.code).toBe("invalid_name");
    expect(e.message).toMatch(/^name is missing: must be 1 to 64 characters/);
    expect(e.message).not.toMatch(/undefined|null/);
  });

  it("applies the defaults: 40k, rmvpe, v2", () => {
    expect(parseCreate({ name: "x" })).toEqual({ name: "x", sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
  });

  it("names the field, states the rule and shows the value", () => {
    const e = apiError(() => parseCreate({ name: "x", sampleRate: 44100 }));
    expect(e.message).toBe("sampleRate must be one of 32000, 40000, 48000 (got 44100)");
    expect(e.details).toMatchObject({ field: "sampleRate" });
  });

  it("rejects unknown settings values and fields", () => {
    expect(apiError(() => parseCreate({ name: "x", sampleRate: 44100 })).message).toMatch(/sampleRate must be one of 32000, 40000, 48000/);
    expect(apiError(() => parseCreate({ name: "x", sampleRate: "40000" })).code).toBe("invalid_sampleRate");
    expect(apiError(() => parseCreate({ name: "x", version: "v3" })).code).toBe("invalid_version");
    expect(apiError(() => parseCreate({ name: "x", f0Method: "crepe" })).code).toBe("invalid_f0Method");
    const unknown = apiError(() => parseCreate({ name: "x", colour: "red" }));
    expect(unknown.code).toBe("unknown_field");
    expect(unknown.message).toBe("Unknown field(s): colour; allowed: name, sampleRate, f0Method, version");
    expect(unknown.details).toMatchObject({ fields: ["colour"], field: "colour" });
    // an unknown field is named even when other fields are wrong too
    expect(apiError(() => parseCreate({ colour: "red", sampleRate: 1 })).code).toBe("unknown_field");
  });

  it("needs at least one field in a patch", () => {
    expect(apiError(() => parsePatch({})).code).toBe("empty_patch");
    expect(apiError(() => parsePatch({})).message).toMatch(/^Nothing to change: send one or more of name, sampleRate, f0Method, version/);
    expect(parsePatch({ name: "new-name", sampleRate: 48000 })).toEqual({ name: "new-name", sampleRate: 48000 });
  });
});
