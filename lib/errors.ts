/** The API's error shape (api.md): {"error": {"code", "message", "details"?}} with a matching status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** extra response headers, e.g. Retry-After */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(400, code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(404, code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(409, code, message, details);
export const unavailable = (code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(503, code, message, details);

/**
 * An unexpected failure: the client gets a generic message and a request id; the details (stack, raw message,
 * which may name internal paths or SQL) go only to the server log under the same id.
 */
export function internalError(err: unknown, where: string, requestId: string = crypto.randomUUID()) {
  console.error(`[${where}] request ${requestId} failed:`, err);
  return {
    requestId,
    status: 500,
    body: {
      error: {
        code: "internal",
        message: `Internal error; the server log has the details under request id ${requestId}`,
        requestId,
      },
    },
  };
}

export const databaseUnavailableBody = () => ({
  error: { code: "database_unavailable", message: "The database is not reachable; check that Postgres is running" },
});

