import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DataTable, FilterSelect } from "../../components/DataTable";
import { Fact } from "../../components/Fact";
import { formatDate, formatDuration } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { Tabs } from "../../components/Tabs";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { AssetIntegrity } from "../integrity/AssetIntegrity";
import { can, isEnabled, useFeatures, useTenantId } from "../shell/tenant";
import { osLabel } from "./AssetsPage";
import { categories, entryColumns, entryCsvColumns, type Category } from "./categories";
import { assetGroupsKey, assetKey, assetsKey, useAssetGroups } from "./queries";

type Asset = Schemas["AssetSummary"];
type CategoryState = Schemas["AssetCategoryState"];

/** One asset: what its agent last reported, its tags and group, and the current entries of each category. */
export function AssetDetailPage() {
  const tenantId = useTenantId();
  const assetId = useParams().assetId!;
  const manage = can(useFeatures(tenantId).data, "agents:manage");
  const groups = useAssetGroups(tenantId);
  const detail = useQuery({
    queryKey: assetKey(tenantId, assetId),
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/assets/{assetId}", { params: { path: { tenantId, assetId } } })),
  });
  const [revoking, setRevoking] = useState(false);
  const queryClient = useQueryClient();
  const toast = useToast();

  if (detail.isPending) return <Spinner />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} />;
  const { asset, uptimeSeconds, categories: collected } = detail.data;
  const group = groups.data?.find((g) => g.id === asset.groupId);

  return (
    <>
      <PageHeader
        title={asset.hostname}
        description={`Enrolled ${formatDate(asset.enrolledAt)}`}
        actions={
          manage &&
          asset.status !== "revoked" && (
            <Button variant="danger" onClick={() => setRevoking(true)}>
              Revoke agent
            </Button>
          )
        }
      />
      <dl className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Status">
          <Badge tone={statusTone(asset.status)}>{asset.status}</Badge>
        </Fact>
        <Fact label="Operating system">{osLabel(asset)}</Fact>
        <Fact label="Agent version">{asset.agentVersion || "—"}</Fact>
        <Fact label="Last seen">{formatDate(asset.lastSeenAt)}</Fact>
        <Fact label="Uptime">{formatDuration(uptimeSeconds)}</Fact>
        <Fact label="Addresses">
          <span className="font-mono text-xs">{asset.addresses.join(", ") || "—"}</span>
        </Fact>
        <Fact label="Dropped snapshots">{asset.droppedSnapshots > 0 ? <Badge tone="warn">{asset.droppedSnapshots.toLocaleString()}</Badge> : "0"}</Fact>
        <Fact label="Group">{group?.name ?? "—"}</Fact>
      </dl>
      {asset.droppedSnapshots > 0 && (
        <div className="mb-4">
          <Alert tone="warning" title="The agent dropped snapshots">
            Its offline queue filled up while it could not reach the server, so it discarded the oldest snapshots. The current state is complete again after the
            next collection of each category; the dropped moments are missing from its history.
          </Alert>
        </div>
      )}
      {manage ? (
        <AssetSettings tenantId={tenantId} asset={asset} groups={groups.data ?? []} />
      ) : (
        <p className="mb-4 flex flex-wrap items-center gap-1 text-sm">
          <span className="text-muted">Tags:</span>
          {asset.tags.length > 0 ? asset.tags.map((tag) => <Badge key={tag}>{tag}</Badge>) : "none"}
        </p>
      )}
      <CategoryTabs tenantId={tenantId} asset={asset} collected={collected} />
      <ConfirmDialog
        open={revoking}
        title={`Revoke the agent on ${asset.hostname}?`}
        confirmLabel="Revoke agent"
        onClose={() => setRevoking(false)}
        onConfirm={async () => {
          unwrap(await api.POST("/api/v1/tenants/{tenantId}/assets/{assetId}/revoke", { params: { path: { tenantId, assetId } } }));
          await Promise.all([
            queryClient.invalidateQueries({ queryKey: assetKey(tenantId, assetId) }),
            queryClient.invalidateQueries({ queryKey: assetsKey(tenantId) }),
          ]);
          toast.show(`The agent on ${asset.hostname} is revoked.`);
        }}
      >
        Its requests are refused from now on; what it collected stays. Enrolling the machine again with a valid token brings it back as the same asset.
      </ConfirmDialog>
    </>
  );
}

function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

const settingsSchema = z.object({
  tags: z
    .string()
    .refine((text) => parseTags(text).length <= 20, "At most 20 tags.")
    .refine((text) => parseTags(text).every((t) => t.length <= 50), "A tag has at most 50 characters."),
  groupId: z.string(),
});

function AssetSettings({ tenantId, asset, groups }: { tenantId: string; asset: Asset; groups: Schemas["AssetGroupResponse"][] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(settingsSchema, { tags: "", groupId: "" });
  const { errors, isSubmitting, isDirty } = form.formState;
  const { reset } = form;
  useEffect(() => reset({ tags: asset.tags.join(", "), groupId: asset.groupId ?? "" }), [asset, reset]);

  const submit = form.submitWith(async ({ tags, groupId }) => {
    const body = { tags: parseTags(tags), ...(groupId ? { groupId } : { clearGroup: true }) };
    unwrap(await api.PATCH("/api/v1/tenants/{tenantId}/assets/{assetId}", { params: { path: { tenantId, assetId: asset.id } }, body }));
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: assetKey(tenantId, asset.id) }),
      queryClient.invalidateQueries({ queryKey: assetsKey(tenantId) }),
      queryClient.invalidateQueries({ queryKey: assetGroupsKey(tenantId) }),
    ]);
    toast.show(`${asset.hostname} saved.`);
  });

  return (
    <section aria-label="Tags and group" className="mb-4 rounded-lg border border-line bg-panel p-4">
      <form className="grid items-start gap-3 sm:grid-cols-[2fr_1fr_auto]" onSubmit={submit} noValidate>
        <FormField label="Tags" hint="Separated by commas, e.g. reception, windows-11." error={errors.tags?.message}>
          <input className={inputClass} {...form.register("tags")} />
        </FormField>
        <FormField label="Group" error={errors.groupId?.message}>
          <select className={inputClass} {...form.register("groupId")}>
            <option value="">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </FormField>
        <Button type="submit" variant="primary" className="sm:mt-6" busy={isSubmitting} disabled={!isDirty}>
          Save
        </Button>
        {errors.root && (
          <div className="sm:col-span-3">
            <Alert tone="error">{errors.root.message}</Alert>
          </div>
        )}
      </form>
    </section>
  );
}

/**
 * A tab per category and one for integrity, the chosen one in the URL (`?tab=services`) so it can be
 * linked. Choosing a tab starts its list afresh: page, search and kind filter belong to the previous category.
 */
function CategoryTabs({ tenantId, asset, collected }: { tenantId: string; asset: Asset; collected: CategoryState[] }) {
  const [params, setParams] = useSearchParams();
  const integrity = isEnabled(useFeatures(tenantId).data, "integrity");
  const tabs = integrity ? [...categories, integrityTab] : categories;
  const requested = tabs.find((c) => c.id === params.get("tab"));
  const selected = requested ?? categories.find((c) => collected.some((s) => s.category === c.id)) ?? categories[0]!;
  const select = (id: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams({ tab: id });
        const pageSize = current.get("pageSize");
        if (pageSize) next.set("pageSize", pageSize);
        return next;
      },
      { replace: true },
    );
  return (
    <section aria-label="Collected state">
      <Tabs label="Categories" tabs={tabs} selected={selected.id} onSelect={select}>
        {selected.id === integrityTab.id ? (
          <AssetIntegrity tenantId={tenantId} assetId={asset.id} hostname={asset.hostname} />
        ) : (
          <CategoryPanel
            key={selected.id}
            tenantId={tenantId}
            asset={asset}
            category={selected as Category}
            state={collected.find((s) => s.category === selected.id)}
          />
        )}
      </Tabs>
    </section>
  );
}

/** Beside the categories: the asset's baselines, drift and comparisons. */
const integrityTab = { id: "integrity", label: "Integrity" } as const;

function CategoryPanel({ tenantId, asset, category, state }: { tenantId: string; asset: Asset; category: Category; state: CategoryState | undefined }) {
  if (!state) {
    return (
      <EmptyState title={`No ${category.label.toLowerCase()} collected yet`}>
        The agent sends this category with its next collection; how often it collects each category is set in the collection policy.
      </EmptyState>
    );
  }
  return (
    <>
      <p className="mb-2 text-sm text-muted">
        Collected {formatDate(state.collectedAt)} · {state.entryCount.toLocaleString()} {state.entryCount === 1 ? "entry" : "entries"}
      </p>
      <CategoryEntries tenantId={tenantId} asset={asset} category={category} />
    </>
  );
}

function CategoryEntries({ tenantId, asset, category }: { tenantId: string; asset: Asset; category: Category }) {
  const fetchPage = async (query: ListParams<"kind">["query"]) =>
    unwrap(
      await api.GET("/api/v1/tenants/{tenantId}/assets/{assetId}/state/{category}", {
        params: { path: { tenantId, assetId: asset.id, category: category.id }, query },
      }),
    );
  const list = useServerList(["asset-state", tenantId, asset.id, category.id], fetchPage, ["kind"] as const);
  return (
    <DataTable
      label={`${category.label} entries`}
      columns={entryColumns(category)}
      list={list}
      getRowId={(e) => `${e.kind}\n${e.key}`}
      searchLabel={`Search ${category.label.toLowerCase()}`}
      filters={<FilterSelect label="Kind" name="kind" params={list.params} options={category.kinds.map((k) => ({ value: k, label: k }))} />}
      empty={{ title: "No entries", body: "The last collection found nothing in this category." }}
      csv={{ filename: `${asset.hostname}-${category.id}.csv`, columns: entryCsvColumns(category) }}
    />
  );
}
