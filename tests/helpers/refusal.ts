import { ApiError } from "../../lib/errors";

/** The ApiError `fn` throws (anything else is rethrown; not throwing fails the test). */
export function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected an ApiError");
}
