/**
 * GET /api/experiments/{name}/training/series (issue 15): the step file downsampled on the server, per-epoch means,
 * validation from metrics.json, the response valid against its schema; bad input refused with the API's error shape.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as seriesRoute from "../../app/api/experiments/[name]/training/series/route";
import { TrainingSeries } from "../../lib/api/training";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { encodeStepFile } from "../../lib/training-series";
import { withAuth } from "../helpers/auth";

const NAME = `series-${process.pid}`;
afterAll(async () => {
  await db().experiment.deleteMany({ where: { name: NAME } });
  fs.rmSync(paths().experimentDir(NAME), { recursive: true, force: true });
  await db().$disconnect();
});

async function get(query: string, name = NAME) {
  const res = await seriesRoute.GET(new Request(`http://test.local/api/experiments/${name}/training/series${query}`, withAuth({ method: "GET" })), {
    params: Promise.resolve({ name }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const FIELDS = ["disc", "gen", "fm", "mel", "kl"];

describe("training series route", () => {
  it("downsamples the whole history to at most `points`, keeps spikes, and lists per-epoch validation", async () => {
    await createExperiment({ name: NAME, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    // before any training: empty series, not an error
    const empty = await get("");
    expect(empty.status).toBe(200);
    expect(TrainingSeries.parse(empty.body).steps).toMatchObject({ count: 0, points: 0, from: [] });

    const n = 10_000;
    const records = Array.from({ length: n }, (_, i) => ({
      step: i + 1,
      epoch: Math.floor(i / 10) + 1,
      values: FIELDS.map((_, f) => (i === 4321 && f === 3 ? 500 : 30 - (20 * i) / n + f)),
    }));
    const file = paths().trainingStepFile(NAME);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, encodeStepFile(FIELDS, records));
    fs.writeFileSync(
      path.join(paths().experimentDir(NAME), "metrics.json"),
      JSON.stringify({ checkpoints: [{ epoch: 5, step: 50, validation: { mel: 20, stft: 3 } }, { epoch: 10, step: 100, validation: null }, { epoch: 5, step: 50, validation: { mel: 19, stft: 2.5 } }] }),
    );

    const res = await get("?points=123");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = TrainingSeries.parse(res.body);
    expect(body.steps.count).toBe(n);
    expect(body.steps.points).toBe(123);
    for (const k of FIELDS) expect(body.steps.series[k]!.mean).toHaveLength(123);
    expect(body.steps.from[0]).toBe(1);
    expect(body.steps.to[122]).toBe(n);
    expect(Math.max(...(body.steps.series.mel!.max as number[]))).toBe(500); // the one-step spike survives
    expect(body.epochs.epoch).toHaveLength(1000);
    expect(body.epochs.series.mel![0]).toBeCloseTo(33 - (20 * 4.5) / n, 4);
    expect(body.validation).toEqual({ epoch: [5], step: [50], mel: [19], stft: [2.5] });

    // the trainer appends: the next read sees the new steps (the cache follows the file)
    fs.appendFileSync(file, encodeStepFile(FIELDS, [{ step: n + 1, epoch: 1001, values: [1, 1, 1, 1, 1] }]).subarray(-(8 + 4 * FIELDS.length))); // one record, no header
    const more = TrainingSeries.parse((await get("?points=2000")).body);
    expect(more.steps.count).toBe(n + 1);
    expect(more.steps.points).toBe(2000);
    expect(more.epochs.epoch.at(-1)).toBe(1001);
  });

  it("refuses bad points, smoothing, unknown fields and a foreign step file with the API's error shape", async () => {
    for (const [q, code] of [["?points=1", "invalid_points"], ["?points=2001", "invalid_points"], ["?points=abc", "invalid_points"], ["?smoothing=1", "invalid_smoothing"], ["?x=1", "unknown_field"]] as const) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe(code);
    }
    expect((await get("", "no-such-experiment-x")).status).toBe(404);
    const file = paths().trainingStepFile(NAME);
    const kept = fs.readFileSync(file);
    fs.writeFileSync(file, "RIFF not a step file");
    const bad = await get("");
    expect(bad.status).toBe(409);
    expect(bad.body.error.code).toBe("step_file_unreadable");
    fs.writeFileSync(file, kept);
    expect((await get("")).status).toBe(200);
  });
});
