import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DataTable, FilterSelect } from "../../components/DataTable";
import { Dialog } from "../../components/Dialog";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { meQueryKey } from "../auth/session";
import { can, useFeatures, useTenant, useTenantId } from "../shell/tenant";
import { roleLabel, roleOptions, type Role } from "./roles";
import { DialogFormActions } from "../../components/DialogFormActions";

type Membership = Schemas["MembershipResponse"];

/** Who holds which role here; in an MSP, also over which customers (all, or a chosen few for a technician). */
export function MembershipsPage() {
  const tenantId = useTenantId();
  const manage = can(useFeatures(tenantId).data, "users:manage");
  const isMsp = useTenant(tenantId).data?.kind === "msp";
  const queryKey = ["memberships", tenantId];
  const fetchPage = async (query: ListParams<"role">["query"]) =>
    unwrap(
      await api.GET("/api/v1/tenants/{tenantId}/memberships", { params: { path: { tenantId }, query: { ...query, role: query.role as Role | undefined } } }),
    );
  const list = useServerList(queryKey, fetchPage, ["role"] as const, "email");
  const params = list.params;
  const customers = useQuery({
    queryKey: ["customers", tenantId, "all-for-scope"],
    enabled: isMsp,
    queryFn: async () => unwrap(await api.GET("/api/v1/msps/{mspId}/customers", { params: { path: { mspId: tenantId }, query: { pageSize: 200 } } })).items,
  });
  const customerName = (id: string) => customers.data?.find((c) => c.id === id)?.name ?? id.slice(0, 8);
  const [editing, setEditing] = useState<Membership | "new" | null>(null);
  const [removing, setRemoving] = useState<Membership | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();
  // The list, and one's own roles and permissions, which a change here may have touched.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey }),
      queryClient.invalidateQueries({ queryKey: meQueryKey }),
      queryClient.invalidateQueries({ queryKey: ["features", tenantId] }),
    ]);

  const columns: ColumnDef<Membership, unknown>[] = [
    { header: "Email", meta: { sortKey: "email" }, cell: ({ row }) => <span className="font-medium">{row.original.email}</span> },
    { header: "Name", meta: { hideBelow: "md" }, cell: ({ row }) => row.original.displayName },
    { header: "Role", meta: { sortKey: "role" }, cell: ({ row }) => roleLabel(row.original.role) },
    ...(isMsp
      ? [
          {
            header: "Customers",
            cell: ({ row }) =>
              row.original.customerScope === "allCustomers" ? (
                <Badge>All customers</Badge>
              ) : (
                <span className="text-xs">{row.original.customerIds.map(customerName).join(", ") || "None"}</span>
              ),
          } satisfies ColumnDef<Membership, unknown>,
        ]
      : []),
    { header: "Since", meta: { sortKey: "createdAt", hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.createdAt) },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }) => (
              <div className="flex gap-1">
                <Button onClick={() => setEditing(row.original)} aria-label={`Edit membership of ${row.original.email}`}>
                  Edit
                </Button>
                <Button variant="danger-ghost" onClick={() => setRemoving(row.original)} aria-label={`Remove ${row.original.email}`}>
                  Remove
                </Button>
              </div>
            ),
          } satisfies ColumnDef<Membership, unknown>,
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="Memberships"
        description="Roles held in this tenant. The server keeps at least one admin."
        actions={
          manage && (
            <Button variant="primary" onClick={() => setEditing("new")}>
              Add member
            </Button>
          )
        }
      />
      <DataTable
        label="Memberships"
        columns={columns}
        list={list}
        getRowId={(m) => m.id}
        searchLabel="Search members"
        filters={<FilterSelect label="Role" name="role" params={params} options={roleOptions} />}
        empty={{ title: "No members yet" }}
        csv={{
          filename: "memberships.csv",
          columns: [
            { header: "Email", value: (m) => m.email },
            { header: "Name", value: (m) => m.displayName },
            { header: "Role", value: (m) => m.role },
            { header: "Customer scope", value: (m) => m.customerScope },
            { header: "Customers", value: (m) => m.customerIds.join(" ") },
            { header: "Since", value: (m) => m.createdAt },
          ],
        }}
      />
      {editing !== null && (
        <MembershipDialog
          tenantId={tenantId}
          membership={editing === "new" ? null : editing}
          customers={isMsp ? (customers.data ?? []) : null}
          onClose={() => setEditing(null)}
          onSaved={async (message) => {
            await refresh();
            toast.show(message);
            setEditing(null);
          }}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.email ?? ""}?`}
        confirmLabel="Remove"
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/memberships/{membershipId}", { params: { path: { tenantId, membershipId: removing!.id } } }));
          await refresh();
          toast.show(`${removing!.email} no longer has the ${roleLabel(removing!.role)} role here.`);
        }}
      >
        They lose this role in this tenant at once. Their account stays.
      </ConfirmDialog>
    </>
  );
}

const schema = z.object({
  email: z.string().trim().email("Enter the email of an existing account.").max(254),
  role: z.enum(["admin", "analyst", "viewer", "auditor", "billing"]),
  customerScope: z.enum(["allCustomers", "selectedCustomers"]),
  customerIds: z.array(z.string()),
});

function MembershipDialog({
  tenantId,
  membership,
  customers,
  onClose,
  onSaved,
}: {
  tenantId: string;
  membership: Membership | null;
  customers: Schemas["TenantSummary"][] | null;
  onClose: () => void;
  onSaved: (message: string) => Promise<void>;
}) {
  const form = useApiForm(schema, {
    email: membership?.email ?? "",
    role: membership?.role ?? ("analyst" as Role),
    customerScope: membership?.customerScope ?? "allCustomers",
    customerIds: membership?.customerIds ?? [],
  });
  const { errors, isSubmitting } = form.formState;
  const scope = form.watch("customerScope");
  // Chosen customers beyond the loaded list stay listed (and chosen), so saving never drops them.
  const pickable = customers && [
    ...customers.filter((c) => c.status !== "deleted" || membership?.customerIds.includes(c.id)),
    ...(membership?.customerIds ?? []).filter((id) => !customers.some((c) => c.id === id)).map((id) => ({ id, name: `Customer ${id.slice(0, 8)}…` })),
  ];
  const submit = form.submitWith(async ({ email, role, customerScope, customerIds }) => {
    const scoped: Pick<Schemas["UpdateMembershipRequest"], "customerScope" | "customerIds"> = customers
      ? { customerScope, customerIds: customerScope === "selectedCustomers" ? customerIds : [] }
      : {};
    if (membership) {
      unwrap(
        await api.PATCH("/api/v1/tenants/{tenantId}/memberships/{membershipId}", {
          params: { path: { tenantId, membershipId: membership.id } },
          body: { role, ...scoped },
        }),
      );
      await onSaved(`Updated ${membership.email}.`);
    } else {
      unwrap(await api.POST("/api/v1/tenants/{tenantId}/memberships", { params: { path: { tenantId } }, body: { email, role, ...scoped } }));
      await onSaved(`${email} is now ${roleLabel(role)} here.`);
    }
  });
  return (
    <Dialog open title={membership ? `Edit ${membership.email}` : "Add member"} onClose={onClose}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        {!membership && (
          <FormField label="Email of the account" error={errors.email?.message} hint="For someone without an account, send an invitation instead.">
            <input className={inputClass} type="email" autoFocus {...form.register("email")} />
          </FormField>
        )}
        <FormField label="Role" error={errors.role?.message}>
          <select className={inputClass} {...form.register("role")}>
            {roleOptions.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </FormField>
        {customers && (
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 text-sm font-medium">Customers this member can open</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" value="allCustomers" {...form.register("customerScope")} /> All customers, including new ones
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" value="selectedCustomers" {...form.register("customerScope")} /> Only these customers
            </label>
            {scope === "selectedCustomers" && (
              <div className="ml-6 flex max-h-48 flex-col gap-1 overflow-y-auto">
                {pickable!.length === 0 && <p className="text-sm text-muted">This MSP has no customers yet.</p>}
                {pickable!.map((c) => (
                  <label key={c.id} className="flex items-center gap-2 text-sm">
                    <input type="checkbox" value={c.id} {...form.register("customerIds")} /> {c.name}
                  </label>
                ))}
              </div>
            )}
            {errors.customerIds?.message && <p className="text-xs text-danger">{errors.customerIds.message}</p>}
          </fieldset>
        )}
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel={"Save"} />
      </form>
    </Dialog>
  );
}
