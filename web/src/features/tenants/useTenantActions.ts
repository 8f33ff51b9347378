import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { useToast } from "../../components/Toasts";

type Target = Pick<Schemas["TenantSummary"], "id" | "name">;
type Lifecycle = "/api/v1/tenants/{tenantId}/suspend" | "/api/v1/tenants/{tenantId}/resume" | "/api/v1/tenants/{tenantId}/restore";

/** Suspend, resume, delete and restore a tenant, refreshing the list and saying what happened. */
export function useTenantActions(listKey: readonly unknown[]) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const refresh = (t: Target) =>
    Promise.all([queryClient.invalidateQueries({ queryKey: listKey }), queryClient.invalidateQueries({ queryKey: ["tenant", t.id] })]);

  const lifecycle = (path: Lifecycle, done: string) =>
    useMutation({
      mutationFn: async (t: Target) => unwrap(await api.POST(path, { params: { path: { tenantId: t.id } } })),
      onSuccess: async (_, t) => {
        await refresh(t);
        toast.show(`${t.name} ${done}.`);
      },
      onError: (error) => toast.show(problemMessage(error), "error"),
    });

  return {
    suspend: lifecycle("/api/v1/tenants/{tenantId}/suspend", "is suspended"),
    resume: lifecycle("/api/v1/tenants/{tenantId}/resume", "is active again"),
    restore: lifecycle("/api/v1/tenants/{tenantId}/restore", "is restored"),
    remove: useMutation({
      mutationFn: async (t: Target) => unwrap(await api.DELETE("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: t.id } } })),
      onSuccess: async (_, t) => {
        await refresh(t);
        toast.show(`${t.name} is deleted; it can be restored for 30 days.`);
      },
    }),
  };
}
