import type { Schemas } from "../../api/client";
import { isEnabled, type Features } from "./tenant";

type TenantKind = Schemas["TenantKind"];

export interface NavItem {
  /** Path under /t/:tenantId. */
  path: string;
  label: string;
  /** The feature that must be enabled for the caller in this tenant. */
  feature: string;
  /** Only for these kinds of tenant (customers exist under an MSP, MSPs under the platform). */
  kinds?: TenantKind[];
}

/** The console's pages in navigation order. A later feature adds its line here and its route in App. */
export const navItems: NavItem[] = [
  { path: "customers", label: "Customers", feature: "customers", kinds: ["msp"] },
  { path: "msps", label: "MSPs", feature: "msps", kinds: ["platform"] },
  { path: "assets", label: "Assets", feature: "assets" },
  { path: "enrollment", label: "Agent enrollment", feature: "enrollment" },
  { path: "integrity", label: "Integrity", feature: "integrity" },
  { path: "integrity-events", label: "Drift events", feature: "integrity" },
  { path: "integrity-settings", label: "Baselines and rules", feature: "integrity" },
  { path: "users", label: "Users", feature: "users" },
  { path: "invitations", label: "Invitations", feature: "users" },
  { path: "memberships", label: "Memberships", feature: "users" },
  { path: "api-tokens", label: "API tokens", feature: "api-tokens" },
  { path: "audit", label: "Audit trail", feature: "audit" },
  { path: "audit-alerts", label: "Audit alerts", feature: "audit" },
  { path: "audit-archive", label: "Audit archive", feature: "audit" },
  { path: "exports", label: "Exports", feature: "exports" },
  { path: "notifications", label: "Notifications", feature: "notifications" },
  { path: "notification-preferences", label: "Notification preferences", feature: "notifications" },
  { path: "notification-endpoints", label: "Notification endpoints", feature: "notification-endpoints" },
  { path: "notification-ledger", label: "Delivery ledger", feature: "notification-ledger" },
  { path: "settings", label: "Tenant settings", feature: "tenant" },
  { path: "system", label: "System status", feature: "system", kinds: ["platform"] },
];

export function isPageVisible(item: NavItem, features: Features | undefined, kind: TenantKind | undefined): boolean {
  return isEnabled(features, item.feature) && (!item.kinds || (kind !== undefined && item.kinds.includes(kind)));
}

export function visibleNavItems(features: Features | undefined, kind: TenantKind | undefined): NavItem[] {
  return navItems.filter((item) => isPageVisible(item, features, kind));
}

/** The item of a page path under /t/:tenantId; a page below a section (`assets/:assetId`) belongs to the section. */
export function navItemFor(path: string): NavItem | undefined {
  const section = path.split("/")[0];
  return navItems.find((item) => item.path === section);
}
