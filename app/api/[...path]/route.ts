/**
 * Every /api/... path that no other route serves: the API's JSON 404 (`not_found`) instead of the HTML page.
 * Next tries this catch-all last, after every static and dynamic route. It goes through the same gate (Host
 * allowlist, same-origin writes) but needs no login: it reveals only that the path does not exist.
 */
import { notFound } from "@/lib/errors";
import { defineRoute } from "@/lib/api/spec";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const unknownRoute = route(defineRoute({ access: "public", summary: "No such API route (not documented)", responses: {} }), async ({ req }) => {
  const { pathname } = new URL(req.url);
  throw notFound("not_found", `There is no API route ${req.method} ${pathname.slice(0, 200)}; GET /api/openapi.json lists them`, {
    method: req.method,
    path: pathname.slice(0, 200),
  });
});

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
