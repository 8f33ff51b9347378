import type { ColumnDef } from "@tanstack/react-table";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import type { Schemas } from "../../api/client";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { DataTable, DateFilter, FilterSelect, TextFilter } from "../../components/DataTable";
import { localDayRange } from "../../components/days";
import { formatDate } from "../../components/format";
import type { ListParams } from "../../components/useListParams";
import type { ServerList } from "../../components/useServerList";
import { AuditRecordDialog } from "./AuditRecordDialog";

export type AuditRecord = Schemas["AuditRecordResponse"];
export const auditFilterNames = ["action", "outcome", "from", "to", "targetType", "targetId", "sourceIp", "onBehalfOfTenantId"] as const;
export type AuditFilter = (typeof auditFilterNames)[number];
const outcomeOptions = ["success", "failure", "denied"].map((o) => ({ value: o, label: o[0]!.toUpperCase() + o.slice(1) }));

/**
 * Audit records with the trail's filters and full-text search, each opening its detail with before
 * and after (`?record=` in the address, so a link can point at one): the live trail and an archive
 * segment's records alike.
 */
export function AuditRecordsTable({
  tenantId,
  label,
  list,
  empty,
  csvFilename,
}: {
  tenantId: string;
  label: string;
  list: ServerList<AuditRecord, AuditFilter>;
  empty: { title: string; body?: ReactNode };
  csvFilename: string;
}) {
  const params = list.params;
  const [search, setSearch] = useSearchParams();
  const opened = Number(search.get("record"));
  const showRecord = (sequence: number | null) =>
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        if (sequence === null) next.delete("record");
        else next.set("record", String(sequence));
        return next;
      },
      { replace: sequence === null },
    );

  const columns: ColumnDef<AuditRecord, unknown>[] = [
    {
      header: "#",
      cell: ({ row }) => (
        <button type="button" className="font-mono text-xs text-accent underline" onClick={() => showRecord(row.original.sequence)}>
          {row.original.sequence}
          <span className="sr-only"> — open the record</span>
        </button>
      ),
    },
    { header: "Time", meta: { sortKey: "occurredAt" }, cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.occurredAt)}</span> },
    {
      header: "Actor",
      cell: ({ row }) => (
        <span className="flex flex-wrap items-center gap-1">
          {row.original.actorName ?? "system"}
          {row.original.onBehalfOfTenantId && (
            <button
              type="button"
              title="Show only what this MSP's staff did here"
              onClick={() => params.setFilter("onBehalfOfTenantId", row.original.onBehalfOfTenantId!)}
            >
              <Badge tone="accent">MSP staff</Badge>
            </button>
          )}
        </span>
      ),
    },
    { header: "Action", cell: ({ row }) => <code className="text-xs">{row.original.action}</code> },
    {
      header: "Target",
      meta: { hideBelow: "md" },
      cell: ({ row }) => <span className="text-xs">{[row.original.targetType, row.original.targetId].filter(Boolean).join(" ")}</span>,
    },
    { header: "Outcome", cell: ({ row }) => <Badge tone={statusTone(row.original.outcome)}>{row.original.outcome}</Badge> },
    { header: "Source IP", meta: { hideBelow: "lg" }, cell: ({ row }) => row.original.sourceIp ?? "—" },
  ];

  return (
    <>
      <DataTable
        label={label}
        columns={columns}
        list={list}
        getRowId={(r) => r.id}
        searchLabel="Search actor, action, target, IP, before/after"
        filters={
          <>
            <TextFilter label="Action starts with" name="action" params={params} placeholder="e.g. user." />
            <FilterSelect label="Outcome" name="outcome" params={params} options={outcomeOptions} />
            <DateFilter label="From" name="from" params={params} />
            <DateFilter label="To" name="to" params={params} />
            <TextFilter label="Target type" name="targetType" params={params} placeholder="e.g. user" />
            <TextFilter label="Target id" name="targetId" params={params} />
            <TextFilter label="Source IP" name="sourceIp" params={params} placeholder="e.g. 203.0.113.9" />
            {params.query.onBehalfOfTenantId && (
              <Button onClick={() => params.setFilter("onBehalfOfTenantId", undefined)}>Show everyone, not only MSP staff</Button>
            )}
          </>
        }
        empty={empty}
        csv={{
          filename: csvFilename,
          columns: [
            { header: "Sequence", value: (r) => r.sequence },
            { header: "Time", value: (r) => r.occurredAt },
            { header: "Actor", value: (r) => r.actorName },
            { header: "Action", value: (r) => r.action },
            { header: "Target type", value: (r) => r.targetType },
            { header: "Target", value: (r) => r.targetId },
            { header: "Outcome", value: (r) => r.outcome },
            { header: "Source IP", value: (r) => r.sourceIp },
            { header: "Hash", value: (r) => r.hash },
          ],
        }}
      />
      {opened > 0 && <AuditRecordDialog tenantId={tenantId} sequence={opened} onClose={() => showRecord(null)} />}
    </>
  );
}

/** Dates in the URL are the reader's local days; the API takes UTC instants (see {@link localDayRange}). */
export function toApiQuery(query: ListParams<AuditFilter>["query"]) {
  const { from, to, outcome, ...rest } = query;
  return { ...rest, outcome: outcome as Schemas["AuditOutcome"] | undefined, ...localDayRange(from, to) };
}
