import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { api, type Schemas } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { DataTable, DateFilter, FilterSelect, TextFilter } from "../../components/DataTable";
import { localDayRange } from "../../components/days";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { RequestExport } from "../exports/RequestExport";
import { useTenantId } from "../shell/tenant";
import { AuditRecordDialog } from "./AuditRecordDialog";

type AuditRecord = Schemas["AuditRecordResponse"];
const filterNames = ["action", "outcome", "from", "to", "targetType", "targetId", "sourceIp", "onBehalfOfTenantId"] as const;
type AuditFilter = (typeof filterNames)[number];
const outcomeOptions = ["success", "failure", "denied"].map((o) => ({ value: o, label: o[0]!.toUpperCase() + o.slice(1) }));

/**
 * The tenant's audit trail, newest first: filters, full-text search, a record's detail with its
 * before and after (`?record=` in the address, so a link can point at one), the chain check with
 * its signed anchors, and exports — readable (CSV, PDF) or as evidence an auditor verifies offline.
 */
export function AuditPage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<AuditFilter>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/audit-records", { params: { path: { tenantId }, query: toApiQuery(query) } }));
  const list = useServerList(["audit", tenantId], fetchPage, filterNames, "-occurredAt");
  const params = list.params;
  const [exporting, setExporting] = useState<"audit-records" | "audit-evidence" | null>(null);
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
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/tenants/{tenantId}/audit-records/verify", { params: { path: { tenantId } } })),
  });

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
      <PageHeader
        title="Audit trail"
        description="Every change and sign-in in this tenant — including what MSP staff did here — chained by SHA-256 and signed by the server every hour, so an edit, deletion or truncation is detectable."
        actions={
          <>
            <Button onClick={() => setExporting("audit-records")}>Export…</Button>
            <Button onClick={() => setExporting("audit-evidence")}>Export evidence…</Button>
            <Button busy={verify.isPending} onClick={() => verify.mutate()}>
              Verify chain
            </Button>
          </>
        }
      />
      {verify.isError && <Alert tone="error">{problemMessage(verify.error)}</Alert>}
      {verify.data && (
        <div className="mb-3">
          <Alert tone={verify.data.isValid ? "success" : "error"} title={verify.data.isValid ? "The chain is intact" : "The chain is broken"}>
            {verify.data.isValid
              ? `${verify.data.recordsChecked.toLocaleString()} records checked. `
              : `First problem at sequence ${verify.data.firstBadSequence ?? "?"}: ${verify.data.problem ?? ""}. `}
            {verify.data.anchoredThrough
              ? `${(verify.data.anchorsChecked ?? 0).toLocaleString()} signed anchors checked; the last vouches for records 1–${verify.data.anchoredThrough.toLocaleString()} (signed ${formatDate(verify.data.lastAnchoredAt!)}).`
              : "No signed anchor yet (the server signs every hour)."}{" "}
            <a className="underline" href="/api/v1/audit/signing-keys" target="_blank" rel="noreferrer">
              The server&apos;s public keys
            </a>
          </Alert>
        </div>
      )}
      <DataTable
        label="Audit records"
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
        empty={{ title: "No audit records yet" }}
        csv={{
          filename: "audit-records.csv",
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
      {exporting && (
        <RequestExport
          tenantId={tenantId}
          dataset={exporting}
          title={exporting === "audit-records" ? "Audit trail" : "Audit trail evidence (JSON is what `tenantra audit verify --file` checks)"}
          filters={{ ...toApiQuery(params.query), page: undefined, pageSize: undefined, sort: undefined }}
          onClose={() => setExporting(null)}
        />
      )}
      {opened > 0 && <AuditRecordDialog tenantId={tenantId} sequence={opened} onClose={() => showRecord(null)} />}
    </>
  );
}

/** Dates in the URL are the reader's local days; the API takes UTC instants (see {@link localDayRange}). */
export function toApiQuery(query: ListParams<AuditFilter>["query"]) {
  const { from, to, outcome, ...rest } = query;
  return { ...rest, outcome: outcome as Schemas["AuditOutcome"] | undefined, ...localDayRange(from, to) };
}
