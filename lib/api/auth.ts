/** Specs of the account routes (app/api/auth/**, tokens, users, activity). */
import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN } from "../auth/password";
import { USER_NAME_PATTERN } from "../auth/roles";
import { Activity, ApiToken, Me, PathId, Role, TokenScope, User } from "./common";
import { header } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, type ErrorCodes, INTERNAL, noContent, ok } from "./spec";

const USER_NAME_RULE = "must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";
const UserName = z.string({ error: USER_NAME_RULE }).regex(new RegExp(USER_NAME_PATTERN), { error: USER_NAME_RULE });
const PASSWORD_RULE = `must be a string of ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
const NewPassword = z.string({ error: PASSWORD_RULE }).min(PASSWORD_MIN, { error: PASSWORD_RULE }).max(PASSWORD_MAX, { error: PASSWORD_RULE });
/** a password shorter than the minimum is `weak_password` (anything else wrong with it: invalid_password) */
const PASSWORD_CODES: ErrorCodes = { password: { too_small: "weak_password" } };
const UserResult = z.strictObject({ user: User });

export const getMe = defineRoute({
  method: "GET",
  path: "/api/auth/me",
  operationId: "getMe",
  access: "public",
  tags: ["auth"],
  summary: "Who is calling, and whether the first admin must still be created",
  responses: { 200: ok("The caller (null without valid credentials)", Me), 500: INTERNAL, 503: DB_DOWN },
});

export const setup = defineRoute({
  method: "POST",
  path: "/api/auth/setup",
  operationId: "setup",
  access: "public",
  tags: ["auth"],
  summary: "First run only: create the admin account and log in (sets the session cookie)",
  body: z.strictObject({ name: UserName, password: NewPassword }),
  bodyRequired: true,
  errorCodes: PASSWORD_CODES,
  responses: {
    201: ok("Created and logged in (Set-Cookie: vs_session)", UserResult),
    400: err("Bad input", [...BODY_CODES, "invalid_name", "weak_password", "invalid_password", "unknown_field"]),
    409: err("An account exists already", ["setup_done"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const login = defineRoute({
  method: "POST",
  path: "/api/auth/login",
  operationId: "login",
  access: "public",
  tags: ["auth"],
  summary: "Log in: sets the HttpOnly session cookie `vs_session`",
  description: "5 failed attempts for one account or from one address lock it for 30 s, doubling with each further lockout (at most an hour).",
  body: z.strictObject({ name: z.string({ error: "must be a string" }).max(200, { error: "must be at most 200 characters" }), password: z.string({ error: "must be a string" }) }),
  bodyRequired: true,
  errorCodes: { name: { "*": "invalid_body" }, password: { "*": "invalid_body" } },
  responses: {
    200: ok("Logged in (Set-Cookie: vs_session)", UserResult),
    400: err("Bad input", [...BODY_CODES, "unknown_field"]),
    401: err("Wrong name or password", ["invalid_credentials"]),
    403: err("The account is disabled, or a cross-site request", ["account_disabled", "cross_site"]),
    429: {
      ...err("Too many failed attempts: `details.retryAfterSeconds` (and Retry-After) say when to try again", ["rate_limited"]),
      headers: { "Retry-After": header("seconds") },
    },
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const logout = defineRoute({
  method: "POST",
  path: "/api/auth/logout",
  operationId: "logout",
  access: "public",
  tags: ["auth"],
  summary: "End this browser's session and clear the cookie",
  responses: { 204: noContent("Logged out"), 403: err("A cross-site request", ["cross_site"]), 500: INTERNAL, 503: DB_DOWN },
});

export const logoutAll = defineRoute({
  method: "POST",
  path: "/api/auth/logout-all",
  operationId: "logoutAll",
  access: "viewer",
  tags: ["auth"],
  summary: "End every session of the caller (API tokens stay)",
  responses: { 200: ok("How many sessions ended", z.strictObject({ ended: z.int() })), 500: INTERNAL, 503: DB_DOWN },
});

export const changePassword = defineRoute({
  method: "POST",
  path: "/api/auth/password",
  operationId: "changePassword",
  access: "viewer",
  tags: ["auth"],
  summary: "Change your own password; your other sessions end (a browser caller gets a new session cookie)",
  body: z.strictObject({ current: z.string({ error: "must be your current password" }), password: NewPassword }),
  bodyRequired: true,
  errorCodes: PASSWORD_CODES,
  responses: {
    204: noContent("Changed"),
    400: err("Bad input or wrong current password", [...BODY_CODES, "invalid_current", "wrong_password", "weak_password", "invalid_password", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const listTokens = defineRoute({
  method: "GET",
  path: "/api/tokens",
  operationId: "listTokens",
  access: "viewer",
  tags: ["auth"],
  summary: "Your API tokens (never their secrets); an admin may pass ?all=1 for everyone's",
  query: z.strictObject({ all: z.enum(["1", "0"]).optional().meta({ description: "`1` (admins): every user's tokens" }) }),
  responses: {
    200: ok("The tokens, newest first", z.strictObject({ tokens: z.array(ApiToken) })),
    400: err("An unknown query parameter", ["invalid_all", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const createToken = defineRoute({
  method: "POST",
  path: "/api/tokens",
  operationId: "createToken",
  access: "viewer",
  tags: ["auth"],
  summary: "Create a personal API token; the secret is in this answer only",
  description: "Send it as `Authorization: Bearer vs_…`. A `read` token acts as at most a viewer and never writes; a `write` token acts with your role.",
  body: z.strictObject({
    name: z.string({ error: "must be 1-100 characters" }).min(1, { error: "must be 1-100 characters" }).max(100, { error: "must be 1-100 characters" }),
    scope: TokenScope.default("read"),
  }),
  bodyRequired: true,
  responses: {
    201: ok("Created", z.strictObject({ token: ApiToken, secret: z.string().regex(/^vs_[A-Za-z0-9_-]{43}$/) })),
    400: err("Bad input", [...BODY_CODES, "invalid_name", "invalid_scope", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const revokeToken = defineRoute({
  method: "DELETE",
  path: "/api/tokens/{id}",
  operationId: "revokeToken",
  access: "viewer",
  tags: ["auth"],
  summary: "Revoke a token (yours; admins: anyone's); refused from the next request on, open event streams end",
  params: z.strictObject({ id: PathId.meta({ description: "token id" }) }),
  responses: {
    200: ok("Revoked", z.strictObject({ token: ApiToken })),
    404: err("No such token of yours", ["token_not_found"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const listUsers = defineRoute({
  method: "GET",
  path: "/api/users",
  operationId: "listUsers",
  access: "admin",
  tags: ["auth"],
  summary: "Every account",
  responses: { 200: ok("The users, oldest first", z.strictObject({ users: z.array(User) })), 500: INTERNAL, 503: DB_DOWN },
});

export const createUser = defineRoute({
  method: "POST",
  path: "/api/users",
  operationId: "createUser",
  access: "admin",
  tags: ["auth"],
  summary: "Create an account",
  body: z.strictObject({ name: UserName, password: NewPassword, role: Role }),
  bodyRequired: true,
  errorCodes: PASSWORD_CODES,
  responses: {
    201: ok("Created", UserResult),
    400: err("Bad input", [...BODY_CODES, "invalid_name", "weak_password", "invalid_password", "invalid_role", "unknown_field"]),
    409: err("The name is taken", ["user_exists"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const updateUser = defineRoute({
  method: "PATCH",
  path: "/api/users/{id}",
  operationId: "updateUser",
  access: "admin",
  tags: ["auth"],
  summary: "Change a role, disable or enable, or reset the password (the user's sessions end)",
  params: z.strictObject({ id: PathId.meta({ description: "user id" }) }),
  body: z.strictObject({ role: Role.optional(), disabled: z.boolean({ error: "must be true or false" }).optional(), password: NewPassword.optional() }),
  bodyRequired: true,
  errorCodes: PASSWORD_CODES,
  responses: {
    200: ok("Changed", UserResult),
    400: err("Bad input", [...BODY_CODES, "invalid_role", "invalid_disabled", "weak_password", "invalid_password", "unknown_field"]),
    404: err("No such user", ["user_not_found"]),
    409: err("It would leave no active admin", ["last_admin"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

const ACTIVITY_LIMIT = "must be a whole number from 1 to 500";
export const listActivity = defineRoute({
  method: "GET",
  path: "/api/activity",
  operationId: "listActivity",
  access: "admin",
  tags: ["auth"],
  summary: "Who did what: every successful write (and logins), newest first",
  query: z.strictObject({
    limit: z.string().regex(/^\d{1,3}$/, { error: ACTIVITY_LIMIT }).refine((v) => Number(v) >= 1 && Number(v) <= 500, { error: ACTIVITY_LIMIT }).default("100").meta({ description: "1..500 (100)" }),
    before: z.string().regex(/^\d{1,18}$/, { error: "must be an activity id" }).optional().meta({ description: "an activity id: older entries only" }),
  }),
  responses: {
    200: ok("Entries", z.strictObject({ activity: z.array(Activity) })),
    400: err("Bad query", ["invalid_limit", "invalid_before", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});
