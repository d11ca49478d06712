/** Who did what: one Activity row per mutating action (the gate records one for every successful write). */
import { db, type Db } from "../db";
import { Prisma } from "../generated/prisma/client.ts";

export interface ActivityTarget {
  type: string;
  id?: string | null;
  name?: string | null;
}

export async function recordActivity(
  userId: string | null,
  action: string,
  target: ActivityTarget,
  details?: Record<string, unknown>,
  prisma: Db = db(),
): Promise<void> {
  await prisma.activity.create({
    data: {
      userId,
      action: action.slice(0, 200),
      targetType: target.type.slice(0, 100),
      targetId: target.id?.slice(0, 200) ?? null,
      targetName: target.name?.slice(0, 200) ?? null,
      details: details === undefined ? Prisma.DbNull : (details as object),
    },
  });
}

/** Newest first; `limit` 1..500 (default 100), `before` an id for the next page. */
export async function listActivity(opts: { limit: number; before?: bigint }, prisma: Db = db()) {
  const rows = await prisma.activity.findMany({
    where: opts.before !== undefined ? { id: { lt: opts.before } } : {},
    orderBy: { id: "desc" },
    take: opts.limit,
    include: { user: { select: { name: true } } },
  });
  return rows.map((a) => ({
    id: a.id.toString(),
    at: a.at,
    userId: a.userId,
    userName: a.user?.name ?? null,
    action: a.action,
    targetType: a.targetType,
    targetId: a.targetId,
    targetName: a.targetName,
    details: a.details ?? null,
  }));
}
