/** One fresh, migrated database and DATA_ROOT per integration run; both removed at the end. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "../../lib/migrate";
import { setupQueues } from "../../lib/queue";
import { createDatabase, testServer } from "../helpers/database";

export default async function setup() {
  const server = await testServer();
  const db = await createDatabase(server.adminUrl);
  await migrate(db.url);
  await setupQueues(db.url);
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-test-data-"));
  process.env.TEST_ADMIN_URL = server.adminUrl;
  process.env.DATABASE_URL = db.url;
  process.env.DATA_ROOT = dataRoot;
  process.env.ASSETS_ROOT = path.join(dataRoot, "assets-readonly");
  process.env.PYTHON ??= "/usr/bin/python3";
  return async () => {
    await db.drop();
    await server.stop();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  };
}
