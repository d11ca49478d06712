/**
 * The durable job queue: pg-boss 10 in the same Postgres. Queue names are the job kinds.
 * Our `Job` row carries the user-facing state; the pg-boss job (same id) carries delivery:
 * one worker at a time, retry after a crash, expiry of a job whose worker vanished.
 */
import PgBoss from "pg-boss";

export const QUEUES = ["preprocess", "extract", "train", "index", "export", "convert", "selftest", "publish", "analyze", "separate", "cover"] as const;
export type QueueName = (typeof QUEUES)[number];

export interface QueuePayload {
  /** id of our Job row (also the pg-boss job id) */
  jobId: string;
}

/** Per-queue delivery settings. pg-boss caps expiry below 24 h; the train job outlives that by resuming. */
const QUEUE_SETTINGS: Record<QueueName, Omit<PgBoss.Queue, "name">> = {
  preprocess: { policy: "standard", retryLimit: 2, retryDelay: 10, expireInSeconds: 6 * 3600 },
  extract: { policy: "standard", retryLimit: 2, retryDelay: 10, expireInSeconds: 12 * 3600 },
  train: { policy: "standard", retryLimit: 3, retryDelay: 30, expireInSeconds: 23 * 3600 },
  index: { policy: "standard", retryLimit: 1, retryDelay: 10, expireInSeconds: 6 * 3600 },
  export: { policy: "standard", retryLimit: 1, retryDelay: 10, expireInSeconds: 3600 },
  convert: { policy: "standard", retryLimit: 1, retryDelay: 5, expireInSeconds: 3600 },
  selftest: { policy: "standard", retryLimit: 2, retryDelay: 1, expireInSeconds: 3600 },
  publish: { policy: "standard", retryLimit: 1, retryDelay: 10, expireInSeconds: 3600 },
  analyze: { policy: "standard", retryLimit: 1, retryDelay: 10, expireInSeconds: 6 * 3600 },
  separate: { policy: "standard", retryLimit: 1, retryDelay: 10, expireInSeconds: 6 * 3600 },
  cover: { policy: "standard", retryLimit: 1, retryDelay: 5, expireInSeconds: 3600 },
};

/** How many times a job of this kind is delivered at most (its first try and the retries after a dead worker). */
export function maxAttempts(kind: string): number {
  return isQueueName(kind) ? (QUEUE_SETTINGS[kind].retryLimit ?? 0) + 1 : 1;
}

/**
 * Webhook deliveries (lib/webhooks/): not a job kind (no Job row). Each pg-boss job is one message to one endpoint;
 * a failed attempt is failed in pg-boss, which retries it with exponential back-off. The retry settings are given
 * per message at send time from lib/config.ts (WEBHOOK_RETRY_*); these are the queue's defaults.
 */
export const WEBHOOK_QUEUE = "webhook";
const WEBHOOK_QUEUE_SETTINGS: Omit<PgBoss.Queue, "name"> = {
  policy: "standard",
  retryLimit: 6,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
};

export interface WebhookPayload {
  endpointId: string;
  /** webhook-id; the message's `pending` WebhookDelivery row is the attempt that is due */
  messageId: string;
}

export function isQueueName(name: string): name is QueueName {
  return (QUEUES as readonly string[]).includes(name);
}

/**
 * A pg-boss instance. Its `error` events (failed maintenance, pool errors while Postgres restarts)
 * go to `onError` (default: one log line each), so none is ever unhandled.
 */
export function createBoss(
  databaseUrl: string,
  role: "web" | "worker" | "setup",
  onError: (err: Error) => void = (err) => console.error(`[queue] ${role}: ${err.message}`),
): PgBoss {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    application_name: `voice-studio-${role}`,
    max: role === "worker" ? 4 : 2,
    // Only workers run pg-boss maintenance (expiry, retention); the web process just sends.
    supervise: role === "worker",
    schedule: false,
  });
  boss.on("error", onError);
  return boss;
}

/** Install pg-boss's schema (its own migrations) and create our queues. Idempotent. */
export async function setupQueues(databaseUrl: string): Promise<void> {
  const boss = createBoss(databaseUrl, "setup");
  await boss.start();
  try {
    const all: [string, Omit<PgBoss.Queue, "name">][] = [...QUEUES.map((q) => [q, QUEUE_SETTINGS[q]] as [string, Omit<PgBoss.Queue, "name">]), [WEBHOOK_QUEUE, WEBHOOK_QUEUE_SETTINGS]];
    for (const [name, settings] of all) {
      const existing = await boss.getQueue(name);
      if (existing) await boss.updateQueue(name, { name, ...settings });
      else await boss.createQueue(name, { name, ...settings });
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

const globalForBoss = globalThis as unknown as { __voiceStudioBoss?: Promise<PgBoss> };

/** The web process's sender, started once on first use. */
export function senderBoss(databaseUrl: string): Promise<PgBoss> {
  globalForBoss.__voiceStudioBoss ??= (async () => {
    const boss = createBoss(databaseUrl, "web");
    await boss.start();
    return boss;
  })().catch((err) => {
    globalForBoss.__voiceStudioBoss = undefined;
    throw err;
  });
  return globalForBoss.__voiceStudioBoss;
}
