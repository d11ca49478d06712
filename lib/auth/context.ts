/**
 * The user a request acts for, available to lib functions without threading it through every call: the gate
 * (lib/http.ts#route) runs each handler inside `runAs`, and rows that record their creator read `currentUserId()`;
 * ownership checks (lib/auth/ownership.ts) read `currentActor()`, which also carries the role the request acts with.
 * Outside a request (worker, CLI) there is no actor.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Role } from "./roles";

export interface Actor {
  userId: string | null;
  /** the role the request acts with; absent when code acts on a user's behalf outside a request (worker) */
  role?: Role;
}

const g = globalThis as unknown as { __voiceStudioActor?: AsyncLocalStorage<Actor> };
const store = (g.__voiceStudioActor ??= new AsyncLocalStorage());

export function runAs<T>(userId: string | null, fn: () => T, role?: Role): T {
  return store.run(role ? { userId, role } : { userId }, fn);
}

export function currentUserId(): string | null {
  return store.getStore()?.userId ?? null;
}

/** The actor of the current request, or undefined outside any `runAs` (worker, CLI, tests calling lib directly). */
export function currentActor(): Actor | undefined {
  return store.getStore();
}
