import { afterEach, describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { homePath, rememberReturnTo, safeReturnTo, takeRememberedReturnTo, type Me } from "./session";

type Membership = Schemas["MembershipSummary"];

function membership(tenantId: string, tenantKind: Membership["tenantKind"]): Membership {
  return { membershipId: `m-${tenantId}`, tenantId, tenantName: `Tenant ${tenantId}`, tenantKind, role: "admin", customerScope: "allCustomers" };
}

function me(...memberships: Membership[]): Me {
  return { id: "u1", email: "ada@example.com", displayName: "Ada", twoFactorEnabled: false, isPlatformAdmin: false, memberships };
}

describe("safeReturnTo", () => {
  it.each(["/t/x/users?q=1#h", "/", "/account", "/t/x/audit?from=2024-01-01&to=2024-01-31"])("accepts the local path %j", (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an empty string", ""],
    ["another origin", "https://evil.example"],
    ["a protocol-relative URL", "//evil.com"],
    ["a backslash trick", "/\\evil.com"],
    ["a relative path", "t/x/users"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["the sign-in page itself", "/sign-in?x"],
    ["the bare sign-in page", "/sign-in"],
    ["a tab that browsers drop", "/\t/evil.com"],
    ["a newline that browsers drop", "/\n/evil.com"],
    ["a backslash later on", "/t/\\evil"],
  ])("refuses %s", (_, value) => {
    expect(safeReturnTo(value)).toBeNull();
  });
});

describe("remembered return path", () => {
  afterEach(() => sessionStorage.clear());

  it("is taken once, keeping an invitation link's fragment out of any URL query", () => {
    rememberReturnTo("/invitations/accept#token=secret");
    expect(takeRememberedReturnTo()).toBe("/invitations/accept#token=secret");
    expect(takeRememberedReturnTo()).toBeNull();
  });

  it("is refused when it is not a local path", () => {
    rememberReturnTo("//evil.example/x");
    expect(takeRememberedReturnTo()).toBeNull();
  });
});

describe("homePath", () => {
  it("prefers the platform tenant", () => {
    expect(homePath(me(membership("c1", "customer"), membership("m1", "msp"), membership("p1", "platform")))).toBe("/t/p1");
  });

  it("prefers an MSP tenant without a platform membership", () => {
    expect(homePath(me(membership("c1", "customer"), membership("m1", "msp"), membership("m2", "msp")))).toBe("/t/m1");
  });

  it("takes the first membership when all are customers", () => {
    expect(homePath(me(membership("c1", "customer"), membership("c2", "customer")))).toBe("/t/c1");
  });

  it("goes to the account page without memberships", () => {
    expect(homePath(me())).toBe("/account");
  });
});
