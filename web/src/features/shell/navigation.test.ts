import { describe, expect, it } from "vitest";
import { isPageVisible, navItemFor, visibleNavItems } from "./navigation";
import type { Features } from "./tenant";

const features = (enabled: string[]): Features => ({
  tenantId: "t",
  roles: ["admin"],
  permissions: [],
  features: ["customers", "msps", "users", "api-tokens", "audit", "tenant", "system"].map((key) => ({ key, title: key, enabled: enabled.includes(key) })),
});

describe("navigation", () => {
  it("offers Customers only in an MSP, even where the feature is enabled", () => {
    const all = features(["customers", "users", "tenant"]);
    expect(isPageVisible(navItemFor("customers")!, all, "msp")).toBe(true);
    expect(isPageVisible(navItemFor("customers")!, all, "customer")).toBe(false);
    expect(visibleNavItems(all, "customer").map((i) => i.path)).toEqual(["users", "invitations", "memberships", "settings"]);
  });

  it("offers MSPs and System status only in the platform tenant", () => {
    const all = features(["msps", "system", "tenant"]);
    expect(visibleNavItems(all, "platform").map((i) => i.path)).toEqual(["msps", "settings", "system"]);
    expect(visibleNavItems(all, "msp").map((i) => i.path)).toEqual(["settings"]);
  });

  it("hides everything whose feature is off, and everything before the tenant is known", () => {
    expect(visibleNavItems(features(["tenant"]), "customer").map((i) => i.path)).toEqual(["settings"]);
    expect(visibleNavItems(features(["customers"]), undefined)).toEqual([]);
    expect(visibleNavItems(undefined, "msp")).toEqual([]);
  });
});
