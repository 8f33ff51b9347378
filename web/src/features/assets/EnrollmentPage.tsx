import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useEffect, useId, useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DataTable, FilterSelect } from "../../components/DataTable";
import { formatDate, formatDuration } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState, Spinner } from "../../components/States";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { useTenantId } from "../shell/tenant";
import { categories } from "./categories";
import { CreateEnrollmentToken } from "./CreateEnrollmentToken";
import { assetGroupsKey, enrollmentTokensKey, useAssetGroups } from "./queries";

type EnrollmentToken = Schemas["EnrollmentTokenResponse"];
const statusOptions = [
  { value: "active", label: "Active" },
  { value: "expired", label: "Expired" },
  { value: "used-up", label: "Used up" },
  { value: "revoked", label: "Revoked" },
];

/** How agents join the tenant (enrollment tokens), the groups they can join, and how often they collect. */
export function EnrollmentPage() {
  const tenantId = useTenantId();
  const queryKey = enrollmentTokensKey(tenantId);
  const fetchPage = async (query: ListParams<"status">["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/enrollment-tokens", { params: { path: { tenantId }, query } }));
  const list = useServerList(queryKey, fetchPage, ["status"] as const, "-createdAt");
  const groups = useAssetGroups(tenantId);
  const groupName = (id: string | null) => groups.data?.find((g) => g.id === id)?.name;
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<EnrollmentToken | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const columns: ColumnDef<EnrollmentToken, unknown>[] = [
    { header: "Label", meta: { sortKey: "label" }, cell: ({ row }) => <span className="font-medium">{row.original.label}</span> },
    { header: "Prefix", meta: { hideBelow: "lg" }, cell: ({ row }) => <code className="text-xs">{row.original.prefix}…</code> },
    { header: "Status", cell: ({ row }) => <Badge tone={statusTone(row.original.status)}>{row.original.status}</Badge> },
    { header: "Uses", cell: ({ row }) => `${row.original.uses.toLocaleString()} of ${row.original.maxUses?.toLocaleString() ?? "unlimited"}` },
    { header: "Group", meta: { hideBelow: "lg" }, cell: ({ row }) => groupName(row.original.assetGroupId) ?? "—" },
    {
      header: "Expires",
      meta: { sortKey: "expiresAt" },
      cell: ({ row }) => (row.original.expiresAt ? formatDate(row.original.expiresAt) : <Badge tone="warn">never expires</Badge>),
    },
    { header: "Created", meta: { sortKey: "createdAt", hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.createdAt) },
    {
      header: "Actions",
      cell: ({ row }) =>
        row.original.status === "active" && (
          <Button variant="danger-ghost" onClick={() => setRevoking(row.original)} aria-label={`Revoke ${row.original.label}`}>
            Revoke
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Agent enrollment"
        description="An agent joins this tenant once with an enrollment token; after that it signs every request with its own key."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create enrollment token
          </Button>
        }
      />
      <DataTable
        label="Enrollment tokens"
        columns={columns}
        list={list}
        getRowId={(t) => t.id}
        searchLabel="Search labels"
        filters={<FilterSelect label="Status" name="status" params={list.params} options={statusOptions} />}
        empty={{ title: "No enrollment tokens yet", body: "Create a token; the install commands for Linux and Windows come with it." }}
        csv={{
          filename: "enrollment-tokens.csv",
          columns: [
            { header: "Label", value: (t) => t.label },
            { header: "Prefix", value: (t) => t.prefix },
            { header: "Status", value: (t) => t.status },
            { header: "Uses", value: (t) => t.uses },
            { header: "Maximum uses", value: (t) => t.maxUses },
            { header: "Group", value: (t) => groupName(t.assetGroupId) },
            { header: "Created", value: (t) => t.createdAt },
            { header: "Expires", value: (t) => t.expiresAt },
            { header: "Revoked", value: (t) => t.revokedAt },
          ],
        }}
      />
      <div className="mt-6 grid items-start gap-6 lg:grid-cols-2">
        <AssetGroups tenantId={tenantId} groups={groups} />
        <CollectionPolicy tenantId={tenantId} groups={groups.data ?? []} />
      </div>
      {creating && (
        <CreateEnrollmentToken
          tenantId={tenantId}
          groups={groups.data ?? []}
          onClose={() => setCreating(false)}
          onCreated={async () => {
            await queryClient.invalidateQueries({ queryKey });
          }}
        />
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.label ?? ""}?`}
        confirmLabel="Revoke token"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/enrollment-tokens/{tokenId}", { params: { path: { tenantId, tokenId: revoking!.id } } }));
          await queryClient.invalidateQueries({ queryKey });
          toast.show(`${revoking!.label} is revoked.`);
        }}
      >
        No agent can enroll with it from now on. Agents that enrolled with it stay enrolled.
      </ConfirmDialog>
    </>
  );
}

const groupSchema = z.object({ name: z.string().trim().min(1, "Name the group.").max(100, "At most 100 characters.") });

function AssetGroups({ tenantId, groups }: { tenantId: string; groups: ReturnType<typeof useAssetGroups> }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(groupSchema, { name: "" });
  const { errors, isSubmitting } = form.formState;
  const headingId = useId();
  const submit = form.submitWith(async (body) => {
    const group = unwrap(await api.POST("/api/v1/tenants/{tenantId}/asset-groups", { params: { path: { tenantId } }, body }));
    await queryClient.invalidateQueries({ queryKey: assetGroupsKey(tenantId) });
    form.reset();
    toast.show(`Group ${group.name} created.`);
  });
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-line bg-panel p-4">
      <h2 id={headingId} className="text-base font-semibold">
        Asset groups
      </h2>
      <p className="mb-3 text-sm text-muted">Agents join a group through their enrollment token; an asset's page can move it to another.</p>
      {groups.isPending && <Spinner />}
      {groups.isError && <ErrorState error={groups.error} onRetry={() => groups.refetch()} />}
      {groups.data &&
        (groups.data.length === 0 ? (
          <p className="mb-3 text-sm text-muted">No groups yet.</p>
        ) : (
          <ul className="mb-3 divide-y divide-line text-sm">
            {groups.data.map((g) => (
              <li key={g.id} className="flex justify-between gap-3 py-1.5">
                <Link to={`/t/${tenantId}/assets?groupId=${g.id}`} className="font-medium text-accent underline">
                  {g.name}
                </Link>
                <span className="text-muted">
                  {g.assetCount.toLocaleString()} {g.assetCount === 1 ? "asset" : "assets"}
                </span>
              </li>
            ))}
          </ul>
        ))}
      <form className="flex flex-wrap items-start gap-2" onSubmit={submit} noValidate>
        <div className="min-w-48 flex-1">
          <FormField label="New group" error={errors.name?.message}>
            <input className={inputClass} {...form.register("name")} />
          </FormField>
        </div>
        <Button type="submit" className="mt-6" busy={isSubmitting}>
          Add group
        </Button>
        {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
      </form>
    </section>
  );
}

/** The server's limits on a collection interval, in seconds (CollectionInterval.MinSeconds/MaxSeconds). */
const minIntervalSeconds = 60;
const maxIntervalSeconds = 604_800;

const minutesField = z
  .number({ error: "Enter a number of minutes." })
  .min(minIntervalSeconds / 60, "At least 1 minute.")
  .max(maxIntervalSeconds / 60, "At most 10080 minutes (a week).");
const policySchema = z.object(Object.fromEntries(categories.map((c) => [c.id, minutesField])) as Record<string, typeof minutesField>);

function CollectionPolicy({ tenantId, groups }: { tenantId: string; groups: Schemas["AssetGroupResponse"][] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const headingId = useId();
  // "" is the tenant's own policy; a group's policy overrides it for the group's agents.
  const [groupId, setGroupId] = useState("");
  const scope = groupId === "" ? {} : { groupId };
  const queryKey = ["collection-policy", tenantId, groupId];
  const policy = useQuery({
    queryKey,
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/collection-policy", { params: { path: { tenantId }, query: scope } })),
  });
  const form = useApiForm(policySchema, {});
  const { errors, isSubmitting, isDirty } = form.formState;
  const { reset } = form;
  useEffect(() => {
    if (policy.data) reset(Object.fromEntries(categories.map((c) => [c.id, (policy.data.intervalSeconds[c.id] ?? 0) / 60])));
  }, [policy.data, reset]);

  const submit = form.submitWith(async (minutes) => {
    const intervalSeconds = Object.fromEntries(Object.entries(minutes).map(([category, value]) => [category, Math.round(value * 60)]));
    const saved = unwrap(
      await api.PUT("/api/v1/tenants/{tenantId}/collection-policy", { params: { path: { tenantId } }, body: { intervalSeconds, ...scope } }),
    );
    queryClient.setQueryData(queryKey, saved);
    const target = groups.find((g) => g.id === groupId)?.name;
    toast.show(`Collection policy ${target ? `for ${target} ` : ""}saved. Agents receive it with their next check-in.`);
  });

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-line bg-panel p-4">
      <h2 id={headingId} className="text-base font-semibold">
        Collection policy
      </h2>
      <p className="mb-3 text-sm text-muted">
        How often agents collect each category, in minutes (1 to 10080). A group's saved policy replaces the tenant's for the agents in it.
      </p>
      <FormField label="Applies to">
        <select className={inputClass} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
          <option value="">Every agent of this tenant</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              Group {g.name}
            </option>
          ))}
        </select>
      </FormField>
      {policy.isPending && <Spinner />}
      {policy.isError && <ErrorState error={policy.error} onRetry={() => policy.refetch()} />}
      {policy.data && (
        <form className="mt-3 grid gap-3 sm:grid-cols-2" onSubmit={submit} noValidate>
          {categories.map((c) => (
            <FormField
              key={c.id}
              label={`${c.label} (minutes)`}
              hint={`Every ${formatDuration(policy.data.intervalSeconds[c.id] ?? 0)} now.`}
              error={errors[c.id]?.message}
            >
              <input className={inputClass} type="number" min={1} max={10080} step="any" {...form.register(c.id, { valueAsNumber: true })} />
            </FormField>
          ))}
          {errors.root && (
            <div className="sm:col-span-2">
              <Alert tone="error">{errors.root.message}</Alert>
            </div>
          )}
          <div className="sm:col-span-2">
            <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty}>
              Save policy
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
