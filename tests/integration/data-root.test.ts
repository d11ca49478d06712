/**
 * Shared storage checked (issue 20): the launcher's first start marks DATA_ROOT as the database's data folder; a
 * worker pointed at another folder (say, a host without the shared mount) refuses to start with what to do, and one
 * that sees the marked folder starts. A launcher on the wrong folder refuses too.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDataRoot, checkDataRoot, DataRootMismatch, MARKER_FILE, readMarker } from "../../lib/data-root";
import { db } from "../../lib/db";
import { startTs, workerPool } from "../helpers/process";

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "vs-dataroot-"));
  dirs.push(d);
  return d;
};
const pool = workerPool();
// the shared test database: no other test may find a recorded data folder
beforeAll(async () => {
  await db().studioInstance.deleteMany({});
});
afterAll(async () => {
  await pool.stopAll();
  await db().studioInstance.deleteMany({});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("DATA_ROOT marker", () => {
  it("the first claim records an id in the database and the folder; later claims check it", async () => {
    const shared = temp();
    await expect(checkDataRoot(db(), temp())).resolves.toBeUndefined(); // nothing recorded yet: nothing to compare
    const first = await claimDataRoot(db(), shared);
    expect(first.created).toBe(true);
    expect(readMarker(shared)).toBe(first.id);
    expect((await db().studioInstance.findUniqueOrThrow({ where: { id: 1 } })).dataRootId).toBe(first.id);
    expect(await claimDataRoot(db(), shared)).toEqual({ id: first.id, created: false });
    await expect(checkDataRoot(db(), shared)).resolves.toBeUndefined();

    const other = temp();
    await expect(claimDataRoot(db(), other)).rejects.toThrow(DataRootMismatch);
    fs.writeFileSync(path.join(other, MARKER_FILE), "someone-else\n");
    await expect(checkDataRoot(db(), other)).rejects.toThrow(/its \.voice-studio-id holds someone-…, the database's folder is marked/);
  });

  it("a worker on another folder refuses to start and says what to do; one on the shared folder starts", async () => {
    const shared = temp();
    await db().studioInstance.deleteMany({});
    await claimDataRoot(db(), shared);

    const wrong = startTs("worker/main.ts", { ...process.env, DATA_ROOT: temp(), WORKER_HEARTBEAT_SECONDS: "1" });
    expect(await wrong.exit()).toBe(1);
    expect(wrong.output()).toMatch(/cannot start: DATA_ROOT=\S+ is not the data folder of this database: it has no \.voice-studio-id.*shared mount/);

    const right = pool.start({ DATA_ROOT: shared });
    await right.waitFor(/ready on/, 60_000);
  }, 120_000);
});
