/** Log in, first-run setup and log out, as used by app/api/auth/*: the handlers stay thin. */
import { ApiError } from "../errors";
import { json } from "../http";
import { recordActivity } from "./activity";
import { loginLimiter } from "./rate-limit";
import { clearSessionCookie, clientAddress, createSession, deleteSession, readCookie, SESSION_COOKIE } from "./sessions";
import { authenticate, createFirstAdmin, toPublicUser } from "./users";

export async function login(req: Request, body: Record<string, unknown>): Promise<Response> {
  const { name, password } = body;
  if (typeof name !== "string" || typeof password !== "string" || name.length > 200) {
    throw new ApiError(400, "invalid_body", "Send {name, password} as strings");
  }
  const keys = [`user:${name.toLowerCase()}`, `addr:${clientAddress(req)}`];
  const limiter = loginLimiter();
  const wait = limiter.retryAfter(keys);
  if (wait > 0) {
    return json(
      { error: { code: "rate_limited", message: `Too many failed logins; try again in ${wait} s`, details: { retryAfterSeconds: wait } } },
      429,
      { "retry-after": String(wait) },
    );
  }
  const user = await authenticate(name, password);
  if (!user) {
    limiter.fail(keys);
    await recordActivity(null, "login.failed", { type: "user", name: name.slice(0, 64) }, { address: clientAddress(req) });
    throw new ApiError(401, "invalid_credentials", "The name or password is not right");
  }
  limiter.succeed(keys.slice(0, 1));
  const { cookie } = await createSession(user.id, req);
  await recordActivity(user.id, "login", { type: "user", id: user.id, name: user.name }, { address: clientAddress(req) });
  return json({ user: toPublicUser(user) }, 200, { "set-cookie": cookie });
}

export async function setup(req: Request, body: Record<string, unknown>): Promise<Response> {
  const user = await createFirstAdmin({ name: body.name, password: body.password });
  const { cookie } = await createSession(user.id, req);
  await recordActivity(user.id, "setup", { type: "user", id: user.id, name: user.name });
  return json({ user }, 201, { "set-cookie": cookie });
}

export async function logout(req: Request, userId: string | null): Promise<Response> {
  const secret = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  if (secret) await deleteSession(secret);
  if (userId) await recordActivity(userId, "logout", { type: "user", id: userId });
  return new Response(null, { status: 204, headers: { "set-cookie": clearSessionCookie(req) } });
}
