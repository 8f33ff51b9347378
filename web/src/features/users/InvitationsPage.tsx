import { useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge, statusTone } from "../../components/Badge";
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

type Invitation = Schemas["InvitationResponse"];
const statusOptions = ["open", "accepted", "revoked", "expired"].map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }));

export function invitationUrl(token: string): string {
  return `${window.location.origin}/invitations/accept#${new URLSearchParams({ token })}`;
}

export function InvitationsPage() {
  const tenantId = useTenantId();
  const manage = can(useFeatures(tenantId).data, "users:manage");
  const queryKey = ["invitations", tenantId];
  const fetchPage = async (query: ListParams<"status">["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/invitations", { params: { path: { tenantId }, query } }));
  const list = useServerList(queryKey, fetchPage, ["status"] as const, "-createdAt");
  const params = list.params;
  const [creating, setCreating] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const columns: ColumnDef<Invitation, unknown>[] = [
    { header: "Email", meta: { sortKey: "email" }, cell: ({ row }) => <span className="font-medium">{row.original.email}</span> },
    { header: "Role", cell: ({ row }) => roleLabel(row.original.role) },
    { header: "Status", cell: ({ row }) => <Badge tone={statusTone(row.original.status)}>{row.original.status}</Badge> },
    { header: "Created", meta: { sortKey: "createdAt", hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.createdAt) },
    { header: "Expires", meta: { sortKey: "expiresAt" }, cell: ({ row }) => formatDate(row.original.expiresAt) },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }) =>
              row.original.status === "open" && (
                <Button variant="danger-ghost" onClick={() => setRevoking(row.original)} aria-label={`Revoke invitation for ${row.original.email}`}>
                  Revoke
                </Button>
              ),
          } satisfies ColumnDef<Invitation, unknown>,
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="Invitations"
        description="Invite people by email; they choose their own password, or join with the account they have."
        actions={
          manage && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              Invite someone
            </Button>
          )
        }
      />
      <DataTable
        label="Invitations"
        columns={columns}
        list={list}
        getRowId={(i) => i.id}
        searchLabel="Search invitations"
        filters={<FilterSelect label="Status" name="status" params={params} options={statusOptions} />}
        empty={{ title: "No invitations yet", body: "Invite a colleague to give them access to this tenant." }}
        csv={{
          filename: "invitations.csv",
          columns: [
            { header: "Email", value: (i) => i.email },
            { header: "Role", value: (i) => i.role },
            { header: "Status", value: (i) => i.status },
            { header: "Created", value: (i) => i.createdAt },
            { header: "Expires", value: (i) => i.expiresAt },
            { header: "Accepted", value: (i) => i.acceptedAt },
          ],
        }}
      />
      <CreateInvitationDialog
        open={creating}
        tenantId={tenantId}
        onClose={() => setCreating(false)}
        onCreated={async (token) => {
          await queryClient.invalidateQueries({ queryKey });
          setLink(invitationUrl(token));
        }}
      />
      <Dialog open={link !== null} title="Invitation link" onClose={() => setLink(null)} footer={<Button onClick={() => setLink(null)}>Done</Button>}>
        {link && (
          <SecretOnce label="Invitation link" value={link}>
            Send this link to the person you invited.
          </SecretOnce>
        )}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke the invitation for ${revoking?.email ?? ""}?`}
        confirmLabel="Revoke"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/invitations/{invitationId}", { params: { path: { tenantId, invitationId: revoking!.id } } }));
          await queryClient.invalidateQueries({ queryKey });
          toast.show(`Invitation for ${revoking!.email} revoked.`);
        }}
      >
        The link stops working at once.
      </ConfirmDialog>
    </>
  );
}

const createSchema = z.object({
  email: z.string().trim().email("Enter a valid email address.").max(254),
  role: z.enum(["admin", "analyst", "viewer", "auditor", "billing"]),
  expiresInDays: z.number({ error: "Enter a number of days." }).int().min(1, "At least 1 day.").max(30, "At most 30 days."),
});

function CreateInvitationDialog({
  open,
  tenantId,
  onClose,
  onCreated,
}: {
  open: boolean;
  tenantId: string;
  onClose: () => void;
  onCreated: (token: string) => Promise<void>;
}) {
  const form = useApiForm(createSchema, { email: "", role: "viewer" as Role, expiresInDays: 7 });
  const { errors, isSubmitting } = form.formState;
  const close = () => {
    form.reset();
    onClose();
  };
  const submit = form.submitWith(async (body) => {
    const created = unwrap(await api.POST("/api/v1/tenants/{tenantId}/invitations", { params: { path: { tenantId } }, body }));
    close();
    await onCreated(created.token);
  });
  return (
    <Dialog open={open} title="Invite someone" onClose={close}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <FormField label="Email" error={errors.email?.message}>
          <input className={inputClass} type="email" autoFocus {...form.register("email")} />
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
        <FormField label="Valid for (days)" error={errors.expiresInDays?.message}>
          <input className={inputClass} type="number" min={1} max={30} {...form.register("expiresInDays", { valueAsNumber: true })} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={close} busy={isSubmitting} submitLabel={"Create invitation"} />
      </form>
    </Dialog>
  );
}
