import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";

/** Query keys of the notifications feature. Invalidating `notificationsKey` refreshes the inbox lists and the unread count. */
export const notificationsKey = (tenantId: string) => ["notifications", tenantId] as const;
export const inboxKey = (tenantId: string) => [...notificationsKey(tenantId), "inbox"] as const;
export const unreadCountKey = (tenantId: string) => [...notificationsKey(tenantId), "unread-count"] as const;
/** Both scopes: the caller's effective preferences depend on the tenant's. */
export const preferencesKey = (tenantId: string) => ["notification-preferences", tenantId] as const;
export const endpointsKey = (tenantId: string) => ["notification-endpoints", tenantId] as const;
export const ledgerKey = (tenantId: string) => ["notification-ledger", tenantId] as const;

/** How often the bell asks for the unread count (and at once when the window regains focus). */
export const unreadRefreshMs = 15_000;

/** The caller's unread in-app notifications in the tenant, kept fresh while the console is open. */
export function useUnreadCount(tenantId: string, enabled = true) {
  return useQuery({
    queryKey: unreadCountKey(tenantId),
    enabled,
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/notifications/inbox/unread-count", { params: { path: { tenantId } } })),
    refetchInterval: unreadRefreshMs,
    refetchOnWindowFocus: true,
  });
}

/** The event types notifications are raised for (a fixed catalogue of the server's). */
export function useEventTypes(tenantId: string) {
  return useQuery({
    queryKey: ["notification-event-types", tenantId],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/notifications/event-types", { params: { path: { tenantId } } })),
    staleTime: Infinity,
  });
}
