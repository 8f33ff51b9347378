import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";

/** Query keys of the integrity feature; invalidating `integrityKey` refreshes every list and page of it. */
export const integrityKey = (tenantId: string) => ["integrity", tenantId] as const;
export const eventsKey = (tenantId: string) => [...integrityKey(tenantId), "events"] as const;
export const eventKey = (tenantId: string, eventId: string) => [...integrityKey(tenantId), "event", eventId] as const;
export const baselinesKey = (tenantId: string, assetId: string) => [...integrityKey(tenantId), "baselines", assetId] as const;

export function useSeverityRules(tenantId: string) {
  return useQuery({
    queryKey: [...integrityKey(tenantId), "rules"],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/rules", { params: { path: { tenantId } } })),
  });
}

export function useAssetBaselines(tenantId: string, assetId: string) {
  return useQuery({
    queryKey: baselinesKey(tenantId, assetId),
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/assets/{assetId}/baselines", { params: { path: { tenantId, assetId } } })),
  });
}

/** The asset's stored snapshots of one category, newest first (the diff viewer's choices). */
export function useSnapshotHistory(tenantId: string, assetId: string, category: string) {
  return useQuery({
    queryKey: [...integrityKey(tenantId), "snapshots", assetId, category],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tenants/{tenantId}/assets/{assetId}/snapshots", { params: { path: { tenantId, assetId }, query: { category, pageSize: 100 } } }),
      ),
  });
}
