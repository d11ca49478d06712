/** The zod-error → API-error mapping of the route wrapper, and the parsers built on the schemas. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "../errors";
import { createConversion } from "./conversions";
import { createUser } from "./auth";
import { listConversions } from "./conversions";
import { ConversionFormFields, TrainOptionsBody } from "./common";
import { parseConversionForm, parseTrainOptions } from "./parse";
import { parsePart } from "./spec";
import { refusal } from "../../tests/helpers/refusal";


describe("request errors", () => {
  it("a bad value: invalid_<field>, the field named, the rule stated, the value shown", () => {
    const e = refusal(() => parseTrainOptions({ epochs: 0 }));
    expect(e.status).toBe(400);
    expect(e.code).toBe("invalid_epochs");
    expect(e.message).toBe("epochs must be a whole number from 1 to 10000 (got 0)");
    expect(e.details).toMatchObject({ field: "epochs" });
  });

  it("an unknown field inside a nested object is named with its path", () => {
    const e = refusal(() => parseTrainOptions({ pretrained: { g: "g.pth", d: "d.pth", x: 1 } }));
    expect(e.code).toBe("unknown_field");
    expect(e.details).toMatchObject({ fields: ["pretrained.x"] });
    expect(e.message).toBe("Unknown field(s): pretrained.x; allowed: g, d");
  });

  it("an unknown query parameter is named as one", () => {
    const e = refusal(() => parsePart(listConversions.query, { limit: "5", sort: "up" }, "query"));
    expect(e.code).toBe("unknown_field");
    expect(e.message).toBe("Unknown query parameter(s): sort; allowed: limit");
  });

  it("a query value is coerced and checked: limit=0 is invalid_limit", () => {
    expect(parsePart(listConversions.query, { limit: "5" }, "query")).toEqual({ limit: 5 });
    expect(parsePart(listConversions.query, {}, "query")).toEqual({ limit: 20 });
    expect(refusal(() => parsePart(listConversions.query, { limit: "0" }, "query")).code).toBe("invalid_limit");
  });

  it("a spec's own codes replace invalid_<field>: weak_password, missing_model", () => {
    const weak = refusal(() => parsePart(createUser.body, { name: "bob", password: "short", role: "viewer" }, "body", createUser.errorCodes));
    expect(weak.code).toBe("weak_password");
    const long = refusal(() => parsePart(createUser.body, { name: "bob", password: "x".repeat(600), role: "viewer" }, "body", createUser.errorCodes));
    expect(long.code).toBe("invalid_password");
    const noModel = refusal(() => parsePart(createConversion.body, { fileId: "f" }, "body", createConversion.errorCodes));
    expect(noModel.code).toBe("missing_model");
    expect(noModel.message).toBe("modelId is missing: the id of a model from GET /api/models");
  });

  it("a body that is not an object is invalid_body", () => {
    expect(refusal(() => parsePart(z.strictObject({}), [1], "body")).code).toBe("invalid_body");
  });
});

describe("parsers on the schemas", () => {
  it("train options: defaults, saveEvery at most the epochs, moreEpochs only when given", () => {
    expect(parseTrainOptions({})).toEqual({ epochs: 20, batchSize: 4, saveEvery: 5, saveLatestOnly: false, pretrained: "default", precision: "auto", gpus: [], heldOut: 0.05, earlyStopPatience: 0 });
    expect(parseTrainOptions({ epochs: 2 }).saveEvery).toBe(2);
    expect(parseTrainOptions({ epochs: 2, moreEpochs: 3 }).moreEpochs).toBe(3);
    expect(refusal(() => parseTrainOptions({ gpus: [0, 0] })).code).toBe("invalid_gpus");
    // the JSON Schema states the same defaults
    const json = z.toJSONSchema(TrainOptionsBody, { io: "input" }) as { $defs: Record<string, { properties: Record<string, { default?: unknown }> }> };
    expect(json.$defs.TrainOptions!.properties.epochs!.default).toBe(20);
  });

  it("conversion form fields: numeric strings are numbers, empty is the default, anything else the field's rule", () => {
    expect(parseConversionForm({ modelId: "m", pitch: "3", indexRate: "" })).toMatchObject({ modelId: "m", params: { pitch: 3, indexRate: 0.75 } });
    const e = refusal(() => parseConversionForm({ modelId: "m", pitch: "high" }));
    expect(e.code).toBe("invalid_pitch");
    expect(e.message).toBe('pitch must be a whole number from -24 to 24 (got "high")');
    expect(refusal(() => parseConversionForm({ pitch: "1" })).code).toBe("missing_model");
    expect(ConversionFormFields.safeParse({ modelId: "m", colour: "red" }).success).toBe(false);
  });
});
