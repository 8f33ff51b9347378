import { useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { StaticTable } from "../../components/StaticTable";
import { severities, SeverityBadge, severityLabel, type Severity } from "../notifications/words";
import { useTenantId } from "../shell/tenant";
import { integrityKey } from "./queries";
import { categoryLabel } from "./words";

type Overview = Schemas["IntegrityOverview"];
const barColours: Record<Severity, string> = { info: "bg-line", low: "bg-accent/60", medium: "bg-warn", high: "bg-danger/70", critical: "bg-danger" };
const spans = [7, 30, 90];

/** Where drift stands across the tenant: active events by severity, detections per day, the assets and categories with most. */
export function IntegrityOverviewPage() {
  const tenantId = useTenantId();
  const [days, setDays] = useState(30);
  const overview = useQuery({
    queryKey: [...integrityKey(tenantId), "overview", days],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/overview", { params: { path: { tenantId }, query: { days } } })),
  });

  return (
    <>
      <PageHeader
        title="Integrity"
        description="Drift of persistence points — boot chain, services, scheduled tasks and cron, autoruns, executables — against each asset's baseline."
        actions={
          <Link to={`/t/${tenantId}/integrity-events?active=true`} className="text-sm text-accent underline">
            Triage active drift
          </Link>
        }
      />
      {overview.isPending ? (
        <Spinner />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => overview.refetch()} />
      ) : (
        <OverviewBody tenantId={tenantId} overview={overview.data} days={days} onDays={setDays} />
      )}
    </>
  );
}

function OverviewBody({ tenantId, overview, days, onDays }: { tenantId: string; overview: Overview; days: number; onDays: (days: number) => void }) {
  const active = (s: Severity) => overview.active.find((c) => c.severity === s)?.count ?? 0;
  const peak = Math.max(1, ...overview.detected.map((d) => d.counts.reduce((sum, c) => sum + c.count, 0)));
  const assetColumns: ColumnDef<Schemas["IntegrityAssetCount"], unknown>[] = [
    {
      header: "Asset",
      cell: ({ row }) => (
        <Link to={`/t/${tenantId}/assets/${row.original.assetId}?tab=integrity`} className="text-accent underline">
          {row.original.hostname}
        </Link>
      ),
    },
    { header: "Highest", cell: ({ row }) => <SeverityBadge severity={row.original.highestSeverity} /> },
    { header: "Active events", cell: ({ row }) => row.original.active.toLocaleString() },
  ];
  const categoryColumns: ColumnDef<Schemas["IntegrityCategoryCount"], unknown>[] = [
    {
      header: "Category",
      cell: ({ row }) => (
        <Link to={`/t/${tenantId}/integrity-events?category=${row.original.category}`} className="text-accent underline">
          {categoryLabel(row.original.category)}
        </Link>
      ),
    },
    { header: "Active", cell: ({ row }) => row.original.active.toLocaleString() },
    { header: "All time", cell: ({ row }) => row.original.total.toLocaleString() },
  ];

  return (
    <div className="space-y-6">
      <section aria-label="Active drift by severity">
        <ul className="grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {[...severities].reverse().map((s) => (
            <li key={s} className="rounded-lg border border-line bg-panel p-3">
              <Link to={`/t/${tenantId}/integrity-events?active=true&minSeverity=${s}`} className="block">
                <span className="text-xs text-muted uppercase">{severityLabel(s)}</span>
                <span className="block text-2xl font-semibold" data-testid={`active-${s}`}>
                  {active(s).toLocaleString()}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Detected per day">
        <div className="mb-2 flex flex-wrap items-end justify-between gap-2">
          <h2 className="text-base font-semibold">Detected per day</h2>
          <FormField label="Span">
            <select className={inputClass} value={days} onChange={(e) => onDays(Number(e.target.value))}>
              {spans.map((d) => (
                <option key={d} value={d}>
                  Last {d} days
                </option>
              ))}
            </select>
          </FormField>
        </div>
        <div className="flex h-40 items-end gap-px rounded-lg border border-line bg-panel p-2" role="img" aria-label={chartSummary(overview)}>
          {overview.detected.map((day) => {
            const total = day.counts.reduce((sum, c) => sum + c.count, 0);
            return (
              <div
                key={day.day}
                className="flex h-full flex-1 flex-col-reverse"
                title={`${day.day}: ${total.toLocaleString()} (${day.counts.map((c) => `${c.count} ${c.severity}`).join(", ") || "none"})`}
              >
                {[...day.counts].reverse().map((c) => (
                  <div key={c.severity} className={barColours[c.severity]} style={{ height: `${(c.count / peak) * 100}%` }} />
                ))}
              </div>
            );
          })}
        </div>
        <p className="mt-1 flex flex-wrap gap-3 text-xs text-muted">
          {[...severities].reverse().map((s) => (
            <span key={s} className="flex items-center gap-1">
              <span className={`inline-block h-2 w-3 ${barColours[s]}`} /> {severityLabel(s)}
            </span>
          ))}
        </p>
      </section>
      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-label="Assets with most drift">
          <h2 className="mb-2 text-base font-semibold">Assets with most drift</h2>
          <StaticTable
            label="Assets with most drift"
            columns={assetColumns}
            rows={overview.topAssets}
            getRowId={(a) => a.assetId}
            empty={<EmptyState title="No active drift">Every asset matches its baselines.</EmptyState>}
          />
        </section>
        <section aria-label="By category">
          <h2 className="mb-2 text-base font-semibold">By category</h2>
          <StaticTable
            label="Drift by category"
            columns={categoryColumns}
            rows={overview.categories}
            getRowId={(c) => c.category}
            empty={<EmptyState title="No drift yet">Baselines are made from each asset's first snapshots; changes show here.</EmptyState>}
          />
        </section>
      </div>
    </div>
  );
}

function chartSummary(overview: Overview): string {
  const total = overview.detected.reduce((sum, d) => sum + d.counts.reduce((s, c) => s + c.count, 0), 0);
  return `${total.toLocaleString()} drift events detected in the last ${overview.days} days`;
}
