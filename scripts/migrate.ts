/** `npm run db:migrate`: apply prisma/migrations to DATABASE_URL (what the launcher does at start). */
import { requireDatabaseUrl } from "../lib/config";
import { migrate } from "../lib/migrate";
import { setupQueues } from "../lib/queue";

const url = requireDatabaseUrl();
migrate(url, { log: console.log })
  .then(async (r) => {
    await setupQueues(url);
    console.log(`up to date: ${r.applied.length} applied now, ${r.alreadyApplied.length} before`);
  })
  .catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
