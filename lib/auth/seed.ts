/** Start-up: seed the first admin from STUDIO_PASSWORD, and refuse to expose a server that has no account yet. */
import { isLoopback } from "../config";
import { createPrisma } from "../db";
import { createFirstAdmin } from "./users";

export type SeedOutcome = "seeded" | "users_exist" | "setup_pending" | "refused";

/**
 * No user yet: with STUDIO_PASSWORD an admin named `admin` is created; without it, a loopback HOST waits for the
 * first visitor's /setup, and any other HOST is refused (whoever reached it first would become admin).
 */
export async function seedFirstAdmin(databaseUrl: string, opts: { host: string; studioPassword: string | undefined }): Promise<SeedOutcome> {
  const prisma = createPrisma(databaseUrl, 1);
  try {
    if ((await prisma.user.count()) > 0) return "users_exist";
    if (opts.studioPassword !== undefined) {
      await createFirstAdmin({ name: "admin", password: opts.studioPassword }, prisma);
      return "seeded";
    }
    return isLoopback(opts.host) ? "setup_pending" : "refused";
  } finally {
    await prisma.$disconnect();
  }
}
