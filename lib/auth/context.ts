/**
 * The user a request acts for, available to lib functions without threading it through every call: the gate
 * (lib/http.ts#route) runs each handler inside `runAs`, and rows that record their creator read `currentUserId()`.
 * Outside a request (worker, CLI) it is null.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const g = globalThis as unknown as { __voiceStudioActor?: AsyncLocalStorage<{ userId: string | null }> };
const store = (g.__voiceStudioActor ??= new AsyncLocalStorage());

export function runAs<T>(userId: string | null, fn: () => T): T {
  return store.run({ userId }, fn);
}

export function currentUserId(): string | null {
  return store.getStore()?.userId ?? null;
}
