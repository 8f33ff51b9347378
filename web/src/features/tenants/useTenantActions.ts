import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { useToast } from "../../components/Toasts";

type Target = Pick<Schemas["TenantSummary"], "id" | "name">;
type Lifecycle = "/api/v1/tenants/{tenantId}/suspend" | "/api/v1/tenants/{tenantId}/resume" | "/api/v1/tenants/{tenantId}/restore";

/**
 * One lifecycle change of a tenant, refreshing the list, the tenant and its features, and saying
 * what happened. Errors become a toast unless a confirmation dialog shows them (`confirmed`).
 */
function useLifecycle(listKey: readonly unknown[], run: (t: Target) => Promise<unknown>, done: string, confirmed: boolean) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: run,
    onSuccess: async (_, t) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: listKey }),
        queryClient.invalidateQueries({ queryKey: ["tenant", t.id] }),
        queryClient.invalidateQueries({ queryKey: ["features", t.id] }),
      ]);
      toast.show(`${t.name} ${done}.`);
    },
    onError: confirmed ? undefined : (error) => toast.show(problemMessage(error), "error"),
  });
}

const post = (path: Lifecycle) => async (t: Target) => unwrap(await api.POST(path, { params: { path: { tenantId: t.id } } }));

/** Suspend and delete are confirmed in a dialog first; resume and restore give access back at once. */
export function useTenantActions(listKey: readonly unknown[]) {
  return {
    suspend: useLifecycle(listKey, post("/api/v1/tenants/{tenantId}/suspend"), "is suspended", true),
    resume: useLifecycle(listKey, post("/api/v1/tenants/{tenantId}/resume"), "is active again", false),
    restore: useLifecycle(listKey, post("/api/v1/tenants/{tenantId}/restore"), "is restored", false),
    remove: useLifecycle(
      listKey,
      async (t) => unwrap(await api.DELETE("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: t.id } } })),
      "is deleted; it can be restored for 30 days",
      true,
    ),
  };
}
