import { useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DataTable, FilterSelect } from "../../components/DataTable";
import { Dialog } from "../../components/Dialog";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { SecretOnce } from "../../components/SecretOnce";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { can, useFeatures, useTenantId } from "../shell/tenant";
import { roleLabel, roleOptions, type Role } from "./roles";
import { DialogFormActions } from "../../components/DialogFormActions";

type TenantUser = Schemas["TenantUserResponse"];

export function UsersPage() {
  const tenantId = useTenantId();
  const features = useFeatures(tenantId);
  const manage = can(features.data, "users:manage");
  const queryKey = ["users", tenantId];
  const fetchPage = async (query: ListParams<"role">["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/users", { params: { path: { tenantId }, query: { ...query, role: query.role as Role | undefined } } }));
  const list = useServerList(queryKey, fetchPage, ["role"] as const, "email");
  const params = list.params;
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<TenantUser | null>(null);
  const [resetLink, setResetLink] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const issueReset = async (user: TenantUser) => {
    try {
      const reset = unwrap(await api.POST("/api/v1/tenants/{tenantId}/users/{userId}/password-reset", { params: { path: { tenantId, userId: user.id } } }));
      setResetLink(resetUrl(reset.email, reset.token));
    } catch (error) {
      toast.show(problemMessage(error), "error");
    }
  };

  const columns: ColumnDef<TenantUser, unknown>[] = [
    { header: "Email", meta: { sortKey: "email" }, cell: ({ row }) => <span className="font-medium">{row.original.email}</span> },
    { header: "Name", meta: { sortKey: "displayName", hideBelow: "md" }, cell: ({ row }) => row.original.displayName },
    { header: "Roles", cell: ({ row }) => row.original.roles.map(roleLabel).join(", ") },
    {
      header: "Status",
      cell: ({ row }) => (
        <span className="flex gap-1">
          {row.original.disabled ? <Badge tone="danger">disabled</Badge> : <Badge tone="ok">active</Badge>}
          {row.original.twoFactorEnabled && <Badge tone="accent">2FA</Badge>}
        </span>
      ),
    },
    { header: "Last sign-in", meta: { sortKey: "lastSignInAt", hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.lastSignInAt) },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }) =>
              row.original.managedHere ? (
                <div className="flex flex-wrap gap-1">
                  <Button onClick={() => issueReset(row.original)} aria-label={`Password reset link for ${row.original.email}`}>
                    Reset link
                  </Button>
                  <Button
                    variant="ghost"
                    onClick={() => setToggling(row.original)}
                    aria-label={`${row.original.disabled ? "Enable" : "Disable"} ${row.original.email}`}
                  >
                    {row.original.disabled ? "Enable" : "Disable"}
                  </Button>
                </div>
              ) : (
                <span className="text-xs text-muted">Managed by their own organisation</span>
              ),
          } satisfies ColumnDef<TenantUser, unknown>,
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="People with access to this tenant."
        actions={
          manage && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create user
            </Button>
          )
        }
      />
      <DataTable
        label="Users"
        columns={columns}
        list={list}
        getRowId={(u) => u.id}
        searchLabel="Search users"
        filters={<FilterSelect label="Role" name="role" params={params} options={roleOptions} />}
        empty={{ title: "No users yet", body: "Create a user or send an invitation." }}
        csv={{
          filename: "users.csv",
          columns: [
            { header: "Email", value: (u) => u.email },
            { header: "Name", value: (u) => u.displayName },
            { header: "Roles", value: (u) => u.roles.join(" ") },
            { header: "Disabled", value: (u) => u.disabled },
            { header: "Two-factor", value: (u) => u.twoFactorEnabled },
            { header: "Created", value: (u) => u.createdAt },
            { header: "Last sign-in", value: (u) => u.lastSignInAt },
          ],
        }}
      />
      <CreateUserDialog
        open={creating}
        tenantId={tenantId}
        onClose={() => setCreating(false)}
        onCreated={async (link) => {
          await queryClient.invalidateQueries({ queryKey });
          setResetLink(link);
        }}
      />
      <Dialog
        open={resetLink !== null}
        title="Password link"
        onClose={() => setResetLink(null)}
        footer={<Button onClick={() => setResetLink(null)}>Done</Button>}
      >
        {resetLink && (
          <SecretOnce label="Password link" value={resetLink}>
            Send this link to the user; it sets their password once and expires in 24 hours.
          </SecretOnce>
        )}
      </Dialog>
      <ConfirmDialog
        open={toggling !== null}
        title={`${toggling?.disabled ? "Enable" : "Disable"} ${toggling?.email ?? ""}?`}
        confirmLabel={toggling?.disabled ? "Enable" : "Disable"}
        onClose={() => setToggling(null)}
        onConfirm={async () => {
          unwrap(
            await api.PATCH("/api/v1/tenants/{tenantId}/users/{userId}", {
              params: { path: { tenantId, userId: toggling!.id } },
              body: { disabled: !toggling!.disabled },
            }),
          );
          await queryClient.invalidateQueries({ queryKey });
          toast.show(`${toggling!.email} is ${toggling!.disabled ? "enabled" : "disabled"}.`);
        }}
      >
        {toggling?.disabled ? "They can sign in again." : "They are signed out everywhere and cannot sign in until enabled again."}
      </ConfirmDialog>
    </>
  );
}

export function resetUrl(email: string, token: string): string {
  return `${window.location.origin}/reset-password#${new URLSearchParams({ email, token })}`;
}

const createSchema = z.object({
  email: z.string().trim().email("Enter a valid email address.").max(254),
  displayName: z.string().trim().min(1, "Enter the person's name.").max(200),
  role: z.enum(["admin", "analyst", "viewer", "auditor", "billing"]),
});

function CreateUserDialog({
  open,
  tenantId,
  onClose,
  onCreated,
}: {
  open: boolean;
  tenantId: string;
  onClose: () => void;
  onCreated: (link: string) => Promise<void>;
}) {
  const toast = useToast();
  const form = useApiForm(createSchema, { email: "", displayName: "", role: "viewer" as Role });
  const { errors, isSubmitting } = form.formState;
  const close = () => {
    form.reset();
    onClose();
  };
  const submit = form.submitWith(async (body) => {
    const created = unwrap(await api.POST("/api/v1/tenants/{tenantId}/users", { params: { path: { tenantId } }, body: { ...body, password: null } }));
    toast.show(`Created ${created.user.email}.`);
    close();
    if (created.passwordResetToken) await onCreated(resetUrl(created.user.email, created.passwordResetToken));
  });
  return (
    <Dialog open={open} title="Create user" onClose={close}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <FormField label="Email" error={errors.email?.message}>
          <input className={inputClass} type="email" autoFocus {...form.register("email")} />
        </FormField>
        <FormField label="Name" error={errors.displayName?.message}>
          <input className={inputClass} {...form.register("displayName")} />
        </FormField>
        <FormField label="Role" error={errors.role?.message}>
          <select className={inputClass} {...form.register("role")}>
            {roleOptions.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </FormField>
        <p className="text-xs text-muted">The user sets their own password from a one-time link shown after creation.</p>
        <DialogFormActions error={errors.root?.message} onCancel={close} busy={isSubmitting} submitLabel={"Create"} />
      </form>
    </Dialog>
  );
}
