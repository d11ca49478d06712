import { describe, expect, it } from "vitest";
import { forwardedFor } from "./forwarded";

describe("forwardedFor", () => {
  it("without TRUST_PROXY: the socket's address, whatever the client claims", () => {
    expect(forwardedFor("6.6.6.6", "10.0.0.7", false)).toBe("10.0.0.7");
    expect(forwardedFor(["1.1.1.1", "2.2.2.2"], "::ffff:127.0.0.1", false)).toBe("127.0.0.1");
    expect(forwardedFor(undefined, undefined, false)).toBe("unknown");
  });
  it("with TRUST_PROXY: the proxy's header, the proxy itself appended as the last hop", () => {
    expect(forwardedFor("203.0.113.9", "127.0.0.1", true)).toBe("203.0.113.9, 127.0.0.1");
    expect(forwardedFor("", "::1", true)).toBe("::1");
    expect(forwardedFor(undefined, "127.0.0.1", true)).toBe("127.0.0.1");
  });
});
