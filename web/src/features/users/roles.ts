import type { Schemas } from "../../api/client";

export type Role = Schemas["Role"];

export const roles: { value: Role; label: string; description: string }[] = [
  { value: "admin", label: "Admin", description: "Manages users, tokens, settings and everything below." },
  { value: "analyst", label: "Analyst", description: "Works with the data; creates own API tokens." },
  { value: "viewer", label: "Viewer", description: "Reads the tenant's data." },
  { value: "auditor", label: "Auditor", description: "Reads users and the audit trail." },
  { value: "billing", label: "Billing", description: "Reads billing." },
];

export const roleOptions = roles.map((r) => ({ value: r.value, label: r.label }));

export function roleLabel(role: Role): string {
  return roles.find((r) => r.value === role)?.label ?? role;
}
