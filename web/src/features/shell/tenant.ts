import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";

export type Features = Schemas["FeaturesResponse"];

/** The tenant of the current URL (`/t/:tenantId/...`). */
export function useTenantId(): string {
  const { tenantId } = useParams();
  if (!tenantId) throw new Error("useTenantId outside a /t/:tenantId route");
  return tenantId;
}

export function useFeatures(tenantId: string) {
  return useQuery({
    queryKey: ["features", tenantId],
    queryFn: async () => unwrap(await api.GET("/api/v1/features", { params: { query: { tenantId } } })),
    staleTime: 60_000,
  });
}

export function useTenant(tenantId: string | undefined) {
  return useQuery({
    queryKey: ["tenant", tenantId],
    enabled: tenantId !== undefined,
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: tenantId! } } })),
    staleTime: 60_000,
  });
}

export function isEnabled(features: Features | undefined, key: string): boolean {
  return features?.features.some((f) => f.key === key && f.enabled) ?? false;
}

/** Whether the caller holds a permission scope (e.g. `users:manage`) in the tenant; the server decides in the end. */
export function can(features: Features | undefined, scope: string): boolean {
  return features?.permissions.includes(scope) ?? false;
}
