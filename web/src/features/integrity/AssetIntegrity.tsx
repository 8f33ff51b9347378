import { useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { DataTable } from "../../components/DataTable";
import { Dialog } from "../../components/Dialog";
import { DialogFormActions } from "../../components/DialogFormActions";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { StaticTable } from "../../components/StaticTable";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { can, useFeatures } from "../shell/tenant";
import { DiffViewer } from "./DiffViewer";
import { eventColumns } from "./IntegrityEventsPage";
import { integrityKey, useAssetBaselines } from "./queries";
import { categoryLabel, originLabels } from "./words";

type Baseline = Schemas["BaselineResponse"];
type Change = { kind: "pin" | "follow" | "unfollow"; baseline: Baseline };

/** An asset's integrity: its baselines per category, its drift timeline, and the diff viewer. */
export function AssetIntegrity({ tenantId, assetId, hostname }: { tenantId: string; assetId: string; hostname: string }) {
  const manage = can(useFeatures(tenantId).data, "integrity:manage");
  const baselines = useAssetBaselines(tenantId, assetId);
  const [change, setChange] = useState<Change | null>(null);

  const columns: ColumnDef<Baseline, unknown>[] = [
    { header: "Category", cell: ({ row }) => <span className="font-medium">{categoryLabel(row.original.category)}</span> },
    {
      header: "Baseline",
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span>{originLabels[row.original.origin]}</span>
          {row.original.goldenScope && (
            <span className="text-xs text-muted">golden: {row.original.goldenScope === "tenant" ? "the tenant's" : "the group's"}</span>
          )}
        </span>
      ),
    },
    { header: "Entries", cell: ({ row }) => row.original.entryCount.toLocaleString() },
    { header: "Revision", meta: { hideBelow: "md" }, cell: ({ row }) => row.original.revision },
    {
      header: "Changed",
      meta: { hideBelow: "lg" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span>{formatDate(row.original.updatedAt)}</span>
          {row.original.comment && <span className="text-xs text-muted">{row.original.comment}</span>}
        </span>
      ),
    },
    {
      header: "Drift",
      cell: ({ row }) =>
        row.original.activeEvents > 0 ? (
          <Link to={`/t/${tenantId}/integrity-events?assetId=${assetId}&category=${row.original.category}&active=true`} className="text-accent underline">
            <Badge tone="danger">{row.original.activeEvents.toLocaleString()} active</Badge>
          </Link>
        ) : (
          <Badge tone="ok">none</Badge>
        ),
    },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }: { row: { original: Baseline } }) => (
              <span className="flex flex-wrap gap-1">
                {row.original.currentSnapshotId && <Button onClick={() => setChange({ kind: "pin", baseline: row.original })}>Pin current</Button>}
                <Button onClick={() => setChange({ kind: row.original.followsGolden ? "unfollow" : "follow", baseline: row.original })}>
                  {row.original.followsGolden ? "Own baseline" : "Follow golden"}
                </Button>
              </span>
            ),
          } satisfies ColumnDef<Baseline, unknown>,
        ]
      : []),
  ];

  return (
    <div className="space-y-6">
      <section aria-label="Baselines">
        <h2 className="mb-2 text-base font-semibold">Baselines</h2>
        {baselines.isPending ? (
          <Spinner />
        ) : baselines.isError ? (
          <ErrorState error={baselines.error} onRetry={() => baselines.refetch()} />
        ) : (
          <StaticTable
            label="Baselines"
            columns={columns}
            rows={baselines.data}
            getRowId={(b) => b.category}
            empty={<EmptyState title="No baselines yet">The first snapshot of each category becomes its baseline when the agent sends it.</EmptyState>}
          />
        )}
      </section>
      <section aria-label="Compare">
        <h2 className="mb-2 text-base font-semibold">Compare</h2>
        <DiffViewer tenantId={tenantId} assetId={assetId} />
      </section>
      <section aria-label="Drift timeline">
        <h2 className="mb-2 text-base font-semibold">Drift timeline</h2>
        <AssetTimeline tenantId={tenantId} assetId={assetId} />
      </section>
      {change && <BaselineChangeDialog tenantId={tenantId} assetId={assetId} hostname={hostname} change={change} onClose={() => setChange(null)} />}
    </div>
  );
}

function AssetTimeline({ tenantId, assetId }: { tenantId: string; assetId: string }) {
  const fetchPage = async (query: ListParams<never>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/events", { params: { path: { tenantId }, query: { ...query, assetId } } }));
  const list = useServerList([...integrityKey(tenantId), "asset-events", assetId], fetchPage);
  return (
    <DataTable
      label="Drift on this asset"
      columns={eventColumns(tenantId, false)}
      list={list}
      getRowId={(e) => e.id}
      searchLabel="Search entries"
      empty={{ title: "No drift on this asset", body: "Changes against its baselines appear here as its agent reports them." }}
    />
  );
}

const commentSchema = z.object({ comment: z.string().trim().min(1, "Say why.").max(2000) });

function BaselineChangeDialog({
  tenantId,
  assetId,
  hostname,
  change,
  onClose,
}: {
  tenantId: string;
  assetId: string;
  hostname: string;
  change: Change;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(commentSchema, { comment: "" });
  const { errors, isSubmitting } = form.formState;
  const { category, currentSnapshotId } = change.baseline;
  const label = categoryLabel(category);
  const submit = form.submitWith(async ({ comment }) => {
    const path = { tenantId, assetId, category };
    if (change.kind === "pin") {
      unwrap(
        await api.POST("/api/v1/tenants/{tenantId}/assets/{assetId}/baselines/{category}/pin", {
          params: { path },
          body: { snapshotId: currentSnapshotId!, comment },
        }),
      );
    } else {
      unwrap(
        await api.POST("/api/v1/tenants/{tenantId}/assets/{assetId}/baselines/{category}/follow-golden", {
          params: { path },
          body: { follow: change.kind === "follow", comment },
        }),
      );
    }
    await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
    toast.show(`${label} baseline of ${hostname} changed; drift is evaluated again.`);
    onClose();
  });
  const title =
    change.kind === "pin"
      ? `Pin the current ${label.toLowerCase()} as the baseline`
      : change.kind === "follow"
        ? "Follow the golden baseline"
        : "Keep an own baseline";
  const explanation =
    change.kind === "pin"
      ? "Everything the agent reported last becomes expected; open drift that matches it resolves."
      : change.kind === "follow"
        ? "The asset's own baseline for this category is replaced by the golden one of its group (or the tenant's); its approvals start afresh."
        : "What the asset is expected to have now stays, as its own baseline; later changes to the golden baseline no longer reach it.";
  return (
    <Dialog open title={title} onClose={onClose}>
      <form className="space-y-3" onSubmit={submit} noValidate>
        <p className="text-sm">{explanation} The change is recorded in the audit trail with your comment.</p>
        <FormField label="Why?" error={errors.comment?.message}>
          <textarea className={inputClass} rows={3} {...form.register("comment")} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel="Change baseline" />
      </form>
    </Dialog>
  );
}
