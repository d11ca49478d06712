/** One fresh, migrated database and DATA_ROOT per integration run; both removed at the end. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "../../lib/migrate";
import { setupQueues } from "../../lib/queue";
import { createDatabase, testServer } from "../helpers/database";
import { createPrisma } from "../../lib/db";
import { createUser } from "../../lib/auth/users";
import { createToken } from "../../lib/auth/api-tokens";

export default async function setup() {
  const server = await testServer();
  const db = await createDatabase(server.adminUrl);
  await migrate(db.url);
  await setupQueues(db.url);
  // the tests' credentials: an admin and a read-write token, made by the same functions as the API and CLI
  const prisma = createPrisma(db.url, 1);
  try {
    const admin = await createUser({ name: "test-admin", password: "test-admin-password", role: "admin" }, prisma);
    process.env.TEST_TOKEN = (await createToken(admin.id, { name: "integration tests", scope: "write" }, prisma)).secret;
    process.env.TEST_ADMIN_ID = admin.id;
  } finally {
    await prisma.$disconnect();
  }
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
