import { describe, expect, it } from "vitest";
import { isPageVisible, navItemFor, visibleNavItems } from "./navigation";
import type { Features } from "./tenant";

const features = (enabled: string[]): Features => ({
  tenantId: "t",
  roles: ["admin"],
  permissions: [],
  features: [
    "customers",
    "msps",
    "assets",
    "enrollment",
    "users",
    "api-tokens",
    "audit",
    "notifications",
    "notification-endpoints",
    "notification-ledger",
    "tenant",
    "system",
  ].map((key) => ({
    key,
    title: key,
    enabled: enabled.includes(key),
  })),
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

  it("offers Assets and Agent enrollment before Users, each by its own feature", () => {
    expect(visibleNavItems(features(["assets", "enrollment", "users"]), "customer").map((i) => i.path)).toEqual([
      "assets",
      "enrollment",
      "users",
      "invitations",
      "memberships",
    ]);
    expect(visibleNavItems(features(["assets", "tenant"]), "customer").map((i) => i.path)).toEqual(["assets", "settings"]);
  });

  it("offers the inbox and preferences to every reader, endpoints and the ledger by their own features", () => {
    expect(visibleNavItems(features(["notifications", "tenant"]), "customer").map((i) => i.path)).toEqual([
      "notifications",
      "notification-preferences",
      "settings",
    ]);
    expect(visibleNavItems(features(["notifications", "notification-endpoints", "notification-ledger"]), "customer").map((i) => i.path)).toEqual([
      "notifications",
      "notification-preferences",
      "notification-endpoints",
      "notification-ledger",
    ]);
    expect(navItemFor("notification-ledger/events/0192f0a0-0000-7000-8000-000000000001")?.label).toBe("Delivery ledger");
  });

  it("puts a page below a section (an asset) under that section", () => {
    expect(navItemFor("assets/0192f0a0-0000-7000-8000-000000000001")?.path).toBe("assets");
    expect(navItemFor("assets")?.label).toBe("Assets");
    expect(navItemFor("unknown/thing")).toBeUndefined();
  });

  it("hides everything whose feature is off, and everything before the tenant is known", () => {
    expect(visibleNavItems(features(["tenant"]), "customer").map((i) => i.path)).toEqual(["settings"]);
    expect(visibleNavItems(features(["customers"]), undefined)).toEqual([]);
    expect(visibleNavItems(undefined, "msp")).toEqual([]);
  });
});
