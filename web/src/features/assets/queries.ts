import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";

/** Query keys of the assets feature; invalidating `assetsKey` refreshes every asset list of the tenant. */
export const assetsKey = (tenantId: string) => ["assets", tenantId] as const;
export const assetKey = (tenantId: string, assetId: string) => ["asset", tenantId, assetId] as const;
export const assetGroupsKey = (tenantId: string) => ["asset-groups", tenantId] as const;
export const enrollmentTokensKey = (tenantId: string) => ["enrollment-tokens", tenantId] as const;

/** The tenant's asset groups with their sizes, for filters and pickers (a tenant has a handful). */
export function useAssetGroups(tenantId: string) {
  return useQuery({
    queryKey: assetGroupsKey(tenantId),
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/asset-groups", { params: { path: { tenantId } } })),
  });
}
