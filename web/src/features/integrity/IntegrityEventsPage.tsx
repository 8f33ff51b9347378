import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button } from "../../components/Button";
import { DataTable, DateFilter, FilterSelect } from "../../components/DataTable";
import { localDayRange } from "../../components/days";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { RequestExport } from "../exports/RequestExport";
import { leastSeverityOptions, SeverityBadge, type Severity } from "../notifications/words";
import { useTenantId } from "../shell/tenant";
import { eventsKey } from "./queries";
import { categoryLabel, categoryOptions, ChangeBadge, resolutionLabels, StatusBadge, statusOptions, type EventStatus } from "./words";

type IntegrityEvent = Schemas["IntegrityEventSummary"];
/** The list's filters, named as the API and the `integrity-events` export name them. */
export const eventFilterNames = ["from", "to", "status", "active", "minSeverity", "category", "assetId", "kind"] as const;
type EventFilter = (typeof eventFilterNames)[number];
const activeOptions = [
  { value: "true", label: "Needs attention (open or acknowledged)" },
  { value: "false", label: "Closed (resolved or approved)" },
];

/** The columns of an events list; the asset column is left out where the list is one asset's. */
export function eventColumns(tenantId: string, withAsset: boolean): ColumnDef<IntegrityEvent, unknown>[] {
  return [
    {
      header: "Detected",
      meta: { sortKey: "detectedAt" },
      cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.detectedAt)}</span>,
    },
    { header: "Severity", meta: { sortKey: "severity" }, cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
    {
      header: "Entry",
      meta: { sortKey: "entryKey" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <Link to={`/t/${tenantId}/integrity-events/${row.original.id}`} className="font-medium break-all text-accent underline">
            {row.original.entryKey}
          </Link>
          <span className="text-xs text-muted">
            {categoryLabel(row.original.category)} · <code>{row.original.kind}</code>
          </span>
        </span>
      ),
    },
    ...(withAsset
      ? [
          {
            header: "Asset",
            cell: ({ row }: { row: { original: IntegrityEvent } }) => (
              <Link to={`/t/${tenantId}/assets/${row.original.assetId}?tab=integrity`} className="text-accent underline">
                {row.original.hostname}
              </Link>
            ),
          } satisfies ColumnDef<IntegrityEvent, unknown>,
        ]
      : []),
    { header: "Change", cell: ({ row }) => <ChangeBadge change={row.original.change} /> },
    {
      header: "Status",
      cell: ({ row }) => (
        <span className="flex flex-wrap items-center gap-1">
          <StatusBadge status={row.original.status} />
          {row.original.resolution && <span className="text-xs text-muted">{resolutionLabels[row.original.resolution] ?? row.original.resolution}</span>}
        </span>
      ),
    },
    { header: "Last seen", meta: { sortKey: "lastSeenAt", hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.lastSeenAt) },
  ];
}

/** Drift across the tenant's assets, newest first, for triage. */
export function IntegrityEventsPage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<EventFilter>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/events", { params: { path: { tenantId }, query: toEventQuery(query) } }));
  const list = useServerList(eventsKey(tenantId), fetchPage, eventFilterNames);
  const params = list.params;
  const [exporting, setExporting] = useState(false);

  return (
    <>
      <PageHeader
        title="Drift events"
        description="Every change against a baseline: added, removed and modified entries, judged by the severity rules. Open one to see the change side by side, comment, assign, resolve or approve it into the baseline."
        actions={<Button onClick={() => setExporting(true)}>Export…</Button>}
      />
      <DataTable
        label="Drift events"
        columns={eventColumns(tenantId, true)}
        list={list}
        getRowId={(e) => e.id}
        searchLabel="Search entries and changed values"
        filters={
          <>
            <FilterSelect label="State" name="active" params={params} options={activeOptions} />
            <FilterSelect label="Status" name="status" params={params} options={statusOptions} />
            <FilterSelect label="Severity" name="minSeverity" params={params} options={leastSeverityOptions} />
            <FilterSelect label="Category" name="category" params={params} options={categoryOptions} />
            <DateFilter label="From" name="from" params={params} />
            <DateFilter label="To" name="to" params={params} />
          </>
        }
        empty={{
          title: "No drift",
          body: "Each asset's first snapshot of a category becomes its baseline; changes against it show here. Nothing matches these filters.",
        }}
      />
      {exporting && (
        <RequestExport
          tenantId={tenantId}
          dataset="integrity-events"
          title="Drift events"
          filters={{ ...toEventQuery(params.query), active: params.query.active, page: undefined, pageSize: undefined, sort: undefined }}
          onClose={() => setExporting(false)}
        />
      )}
    </>
  );
}

/** The list's URL state as the API's query: local days to UTC instants, the enums typed. */
export function toEventQuery(query: ListParams<EventFilter>["query"]) {
  const { from, to, status, minSeverity, active, ...rest } = query;
  return {
    ...rest,
    status: status as EventStatus | undefined,
    minSeverity: minSeverity as Severity | undefined,
    active: active === undefined ? undefined : active === "true",
    ...localDayRange(from, to),
  };
}
