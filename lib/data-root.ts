/**
 * "Is this the DATA_ROOT of this database?" (issue 20, shared storage checked). Workers on several hosts share one
 * Postgres and must see the same DATA_ROOT (uploads, experiments, models). The launcher records an id in the
 * database (`StudioInstance`, one row) and in `DATA_ROOT/.voice-studio-id` on its first start; a worker whose
 * DATA_ROOT lacks the marker, or holds another id, refuses to start with what to do. Nothing recorded yet (a
 * database no launcher has started): nothing to compare, the worker starts.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "./db";
import { writeFileAtomic } from "./fs-atomic";

export const MARKER_FILE = ".voice-studio-id";

export class DataRootMismatch extends Error {
  constructor(dataRoot: string, expected: string, found: string | null) {
    super(
      `DATA_ROOT=${dataRoot} is not the data folder of this database: ${found === null ? `it has no ${MARKER_FILE}` : `its ${MARKER_FILE} holds ${found.slice(0, 8)}…`}, ` +
        `the database's folder is marked ${expected.slice(0, 8)}…. Point DATA_ROOT at the folder the studio uses — on another host, ` +
        `the shared mount (NFS or any shared volume) of that folder`,
    );
    this.name = "DataRootMismatch";
  }
}

export function readMarker(dataRoot: string): string | null {
  try {
    return fs.readFileSync(path.join(dataRoot, MARKER_FILE), "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** Launcher: record the id on the first start (database and folder), else check the folder carries it. */
export async function claimDataRoot(prisma: Db, dataRoot: string): Promise<{ id: string; created: boolean }> {
  const row = await prisma.studioInstance.findUnique({ where: { id: 1 } });
  if (row) {
    const found = readMarker(dataRoot);
    if (found !== row.dataRootId) throw new DataRootMismatch(dataRoot, row.dataRootId, found);
    return { id: row.dataRootId, created: false };
  }
  // first start: a folder that already carries a marker (its database was replaced, e.g. restored) keeps its id
  const id = readMarker(dataRoot) ?? crypto.randomUUID();
  fs.mkdirSync(dataRoot, { recursive: true });
  await writeFileAtomic(path.join(dataRoot, MARKER_FILE), `${id}\n`);
  const created = await prisma.studioInstance.createMany({ data: [{ id: 1, dataRootId: id }], skipDuplicates: true });
  if (created.count === 0) return claimDataRoot(prisma, dataRoot); // another launcher won the race: check against it
  return { id, created: true };
}

/** Worker: refuse a DATA_ROOT that is not the database's (throws DataRootMismatch). */
export async function checkDataRoot(prisma: Db, dataRoot: string): Promise<void> {
  const row = await prisma.studioInstance.findUnique({ where: { id: 1 } });
  if (!row) return;
  const found = readMarker(dataRoot);
  if (found !== row.dataRootId) throw new DataRootMismatch(dataRoot, row.dataRootId, found);
}
