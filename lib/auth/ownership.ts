/**
 * Who may delete or change a row that records its creator (experiments, uploaded files, jobs, models,
 * conversions): admins anything; members and viewers only what they created. A row with no creator (made before
 * accounts existed) counts as anyone's. Some rows also belong to the owner of their experiment (a file uploaded
 * into my experiment, a job that runs on it). The caller comes from the request (lib/auth/context.ts); code outside
 * a request (worker, CLI) is not limited. The lib functions that delete or change such rows call `assertMayChange`.
 */
import { db, type Db, type Prisma } from "../db";
import { ApiError } from "../errors";
import { currentActor, type Actor } from "./context";

export interface Owned {
  /** what the message calls the row, e.g. `experiment "alpha"` */
  what: string;
  /** the row's createdById */
  createdById: string | null;
  /** others who may change it as well (e.g. the experiment's creator for one of its files); nulls are ignored */
  alsoOwnedBy?: (string | null)[];
}

/** Pure: may this actor change a row created by `createdById` (or owned by one of `also`)? */
export function mayChange(actor: Actor | undefined, createdById: string | null, also: (string | null)[] = []): boolean {
  if (actor === undefined) return true; // not a request: the worker, the CLI
  if (actor.role === "admin") return true;
  if (createdById === null) return true;
  return actor.userId !== null && (actor.userId === createdById || also.includes(actor.userId));
}

/** Pure: the 403 for a row someone else created. */
export function notOwner(row: Owned, verb: string, owner: { id: string; name: string } | null): ApiError {
  const who = owner?.name ?? "another user";
  return new ApiError(403, "not_owner", `${capitalize(row.what)} belongs to ${who}; only ${who} or an admin can ${verb} it`, {
    owner: owner?.name ?? null,
    ownerId: row.createdById,
  });
}

/** Refuse (403 `not_owner`, naming the owner) unless the current caller may `verb` (delete, change, cancel…) this row. */
export async function assertMayChange(row: Owned, verb: string, prisma: Db | Prisma.TransactionClient = db()): Promise<void> {
  if (mayChange(currentActor(), row.createdById, row.alsoOwnedBy)) return;
  const owner = row.createdById ? await prisma.user.findUnique({ where: { id: row.createdById }, select: { id: true, name: true } }) : null;
  throw notOwner(row, verb, owner);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
