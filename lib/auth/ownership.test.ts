import { describe, expect, it } from "vitest";
import { mayChange, notOwner } from "./ownership";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe("mayChange", () => {
  it("admins change anything; members and viewers only their own or creator-less rows", () => {
    expect(mayChange({ userId: A, role: "admin" }, B)).toBe(true);
    expect(mayChange({ userId: A, role: "member" }, A)).toBe(true);
    expect(mayChange({ userId: A, role: "member" }, B)).toBe(false);
    expect(mayChange({ userId: A, role: "viewer" }, B)).toBe(false);
    expect(mayChange({ userId: A, role: "member" }, null)).toBe(true);
  });
  it("co-owners (the experiment's creator) count; a null co-owner opens nothing", () => {
    expect(mayChange({ userId: A, role: "member" }, B, [A])).toBe(true);
    expect(mayChange({ userId: A, role: "member" }, B, [null])).toBe(false);
  });
  it("an anonymous request or one on a user's behalf is held to the owner; code outside a request is not", () => {
    expect(mayChange({ userId: null }, B)).toBe(false);
    expect(mayChange({ userId: A }, B)).toBe(false);
    expect(mayChange(undefined, B)).toBe(true);
  });
});

describe("notOwner", () => {
  it("names the owner", () => {
    const e = notOwner({ what: 'model "alto"', createdById: B }, "delete", { id: B, name: "bob" });
    expect(e.status).toBe(403);
    expect(e.toBody()).toEqual({
      error: { code: "not_owner", message: 'Model "alto" belongs to bob; only bob or an admin can delete it', details: { owner: "bob", ownerId: B } },
    });
  });
});
