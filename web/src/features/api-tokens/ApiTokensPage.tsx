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
import { useFeatures, useTenantId } from "../shell/tenant";
import { DialogFormActions } from "../../components/DialogFormActions";

type ApiToken = Schemas["ApiTokenResponse"];
const statusOptions = ["active", "revoked", "expired"].map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }));

export function tokenStatus(token: ApiToken, now = Date.now()): "active" | "revoked" | "expired" {
  if (token.revokedAt) return "revoked";
  return new Date(token.expiresAt).getTime() <= now ? "expired" : "active";
}

/** Tokens for scripts and integrations: scoped to permissions the creator holds, shown once, revocable at once. */
export function ApiTokensPage() {
  const tenantId = useTenantId();
  const features = useFeatures(tenantId);
  const queryKey = ["api-tokens", tenantId];
  const fetchPage = async (query: ListParams<"status">["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/api-tokens", { params: { path: { tenantId }, query } }));
  const list = useServerList(queryKey, fetchPage, ["status"] as const, "-createdAt");
  const params = list.params;
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Schemas["CreatedApiTokenResponse"] | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const columns: ColumnDef<ApiToken, unknown>[] = [
    { header: "Name", meta: { sortKey: "name" }, cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
    { header: "Prefix", meta: { hideBelow: "lg" }, cell: ({ row }) => <code className="text-xs">{row.original.prefix}…</code> },
    { header: "Scopes", cell: ({ row }) => <span className="text-xs">{row.original.scopes.join(", ")}</span> },
    { header: "Status", cell: ({ row }) => <Badge tone={statusTone(tokenStatus(row.original))}>{tokenStatus(row.original)}</Badge> },
    { header: "Expires", meta: { sortKey: "expiresAt", hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.expiresAt) },
    { header: "Last used", meta: { sortKey: "lastUsedAt", hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.lastUsedAt) },
    {
      header: "Actions",
      cell: ({ row }) =>
        tokenStatus(row.original) === "active" && (
          <Button variant="danger-ghost" onClick={() => setRevoking(row.original)} aria-label={`Revoke ${row.original.name}`}>
            Revoke
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Send as `Authorization: Bearer <token>`. A token can do only what its scopes allow, never more than its creator."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create token
          </Button>
        }
      />
      <DataTable
        label="API tokens"
        columns={columns}
        list={list}
        getRowId={(t) => t.id}
        searchLabel="Search tokens"
        filters={<FilterSelect label="Status" name="status" params={params} options={statusOptions} />}
        empty={{ title: "No API tokens yet", body: "Create a token for a script or an integration." }}
        csv={{
          filename: "api-tokens.csv",
          columns: [
            { header: "Name", value: (t) => t.name },
            { header: "Prefix", value: (t) => t.prefix },
            { header: "Scopes", value: (t) => t.scopes.join(" ") },
            { header: "Status", value: (t) => tokenStatus(t) },
            { header: "Created", value: (t) => t.createdAt },
            { header: "Expires", value: (t) => t.expiresAt },
            { header: "Last used", value: (t) => t.lastUsedAt },
          ],
        }}
      />
      {creating && (
        <CreateTokenDialog
          tenantId={tenantId}
          scopes={features.data?.permissions ?? []}
          onClose={() => setCreating(false)}
          onCreated={async (result) => {
            setCreating(false);
            setCreated(result);
            await queryClient.invalidateQueries({ queryKey });
          }}
        />
      )}
      <Dialog
        open={created !== null}
        title={`Token ${created?.apiToken.name ?? ""} created`}
        onClose={() => setCreated(null)}
        footer={<Button onClick={() => setCreated(null)}>Done</Button>}
      >
        {created && (
          <SecretOnce label="API token" value={created.token}>
            Copy the token now and store it in your secret manager.
          </SecretOnce>
        )}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke token"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/api-tokens/{tokenId}", { params: { path: { tenantId, tokenId: revoking!.id } } }));
          await queryClient.invalidateQueries({ queryKey });
          toast.show(`${revoking!.name} is revoked.`);
        }}
      >
        Anything using it is refused from the next request on. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}

const schema = z.object({
  name: z.string().trim().min(1, "Name the token after what uses it.").max(100),
  scopes: z.array(z.string()).min(1, "Choose at least one scope."),
  expiresInDays: z.number({ error: "Enter a number of days." }).int().min(1, "At least 1 day.").max(365, "At most 365 days."),
});

function CreateTokenDialog({
  tenantId,
  scopes,
  onClose,
  onCreated,
}: {
  tenantId: string;
  scopes: string[];
  onClose: () => void;
  onCreated: (created: Schemas["CreatedApiTokenResponse"]) => Promise<void>;
}) {
  const form = useApiForm(schema, { name: "", scopes: [], expiresInDays: 90 });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async (body) => {
    await onCreated(unwrap(await api.POST("/api/v1/tenants/{tenantId}/api-tokens", { params: { path: { tenantId } }, body })));
  });
  return (
    <Dialog open title="Create API token" onClose={onClose}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <FormField label="Name" error={errors.name?.message}>
          <input className={inputClass} autoFocus {...form.register("name")} />
        </FormField>
        <fieldset>
          <legend className="mb-1 text-sm font-medium">Scopes</legend>
          <div className="grid grid-cols-2 gap-1">
            {scopes.map((scope) => (
              <label key={scope} className="flex items-center gap-2 text-sm">
                <input type="checkbox" value={scope} {...form.register("scopes")} /> <code>{scope}</code>
              </label>
            ))}
          </div>
          {errors.scopes?.message && <p className="mt-1 text-xs font-medium text-danger">{errors.scopes.message}</p>}
        </fieldset>
        <FormField label="Expires after (days)" error={errors.expiresInDays?.message}>
          <input className={inputClass} type="number" min={1} max={365} {...form.register("expiresInDays", { valueAsNumber: true })} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel={"Create"} />
      </form>
    </Dialog>
  );
}
