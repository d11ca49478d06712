/** Prisma Client over node-postgres (@prisma/adapter-pg): no query engine binary needed. */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";
import { requireDatabaseUrl } from "./config";

export { Prisma } from "./generated/prisma/client.ts";
export type { Experiment, AudioFile, Job, JobEvent, VoiceModel, Conversion, Worker, ListeningTest } from "./generated/prisma/client.ts";

export function createPrisma(databaseUrl: string, poolMax = 5): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolMax }) });
}

const globalForPrisma = globalThis as unknown as { __voiceStudioPrisma?: PrismaClient };

/** One client per process (kept on globalThis so Next's dev reloads don't open new pools). */
export function db(): PrismaClient {
  globalForPrisma.__voiceStudioPrisma ??= createPrisma(requireDatabaseUrl());
  return globalForPrisma.__voiceStudioPrisma;
}

export type Db = PrismaClient;
