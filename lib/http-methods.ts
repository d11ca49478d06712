/**
 * Methods a route does not implement answer 405 in the API's error shape with an `Allow` header, instead of Next's
 * automatic 405 with an empty body. Next decides a route's methods from its module's exports, so each route file
 * exports the others from one line:
 *
 *   export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
 *
 * (tests/unit/method-not-allowed.test.ts checks every route file has it, naming exactly the methods it implements.)
 * HEAD and OPTIONS stay Next's: it answers them from GET and the exports.
 */
import { ApiError } from "./errors";
import { route } from "./http";

export const API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type ApiMethod = (typeof API_METHODS)[number];

type Handler = (req: Request, ctx: unknown) => Promise<Response>;

const notAllowedHandlers = new WeakSet<object>();

/** Whether a route export is one of otherMethods' 405 handlers (not a method the route implements). */
export function isOtherMethodsHandler(fn: unknown): boolean {
  return typeof fn === "function" && notAllowedHandlers.has(fn);
}

/** A 405 handler for every method; destructure the ones the route does not implement. */
export function otherMethods(...allowed: (ApiMethod | "HEAD" | "OPTIONS")[]): Record<ApiMethod, Handler> {
  const allow = allowed.join(", ");
  const handler = route({ access: "public", summary: "", responses: {} }, async ({ req }) => {
    const path = new URL(req.url).pathname;
    throw new ApiError(405, "method_not_allowed", `${req.method} is not supported on ${path}; allowed: ${allow}`, { method: req.method, allowed }, { allow });
  }) as Handler;
  notAllowedHandlers.add(handler);
  return Object.fromEntries(API_METHODS.map((m) => [m, handler])) as Record<ApiMethod, Handler>;
}
