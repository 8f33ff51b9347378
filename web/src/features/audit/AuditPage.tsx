import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
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

type AuditRecord = Schemas["AuditRecordResponse"];
const filterNames = ["action", "outcome", "from", "to"] as const;
type AuditFilter = (typeof filterNames)[number];
const outcomeOptions = ["success", "failure", "denied"].map((o) => ({ value: o, label: o[0]!.toUpperCase() + o.slice(1) }));

/** The tenant's audit trail, newest first, with the hash chain check. The full viewer comes with the audit log system. */
export function AuditPage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<AuditFilter>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/audit-records", { params: { path: { tenantId }, query: toApiQuery(query) } }));
  const list = useServerList(["audit", tenantId], fetchPage, filterNames, "-occurredAt");
  const params = list.params;
  const [exporting, setExporting] = useState(false);
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/tenants/{tenantId}/audit-records/verify", { params: { path: { tenantId } } })),
  });

  const columns: ColumnDef<AuditRecord, unknown>[] = [
    { header: "Time", meta: { sortKey: "occurredAt" }, cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.occurredAt)}</span> },
    { header: "Actor", cell: ({ row }) => row.original.actorName ?? "system" },
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
        description="Every change and sign-in in this tenant, chained by SHA-256 so that an edit or deletion is detectable."
        actions={
          <>
            <Button onClick={() => setExporting(true)}>Export…</Button>
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
              ? `${verify.data.recordsChecked.toLocaleString()} records checked.`
              : `First problem at sequence ${verify.data.firstBadSequence ?? "?"}: ${verify.data.problem ?? ""}`}
          </Alert>
        </div>
      )}
      <DataTable
        label="Audit records"
        columns={columns}
        list={list}
        getRowId={(r) => r.id}
        searchLabel="Search actors and targets"
        filters={
          <>
            <TextFilter label="Action starts with" name="action" params={params} placeholder="e.g. user." />
            <FilterSelect label="Outcome" name="outcome" params={params} options={outcomeOptions} />
            <DateFilter label="From" name="from" params={params} />
            <DateFilter label="To" name="to" params={params} />
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
          dataset="audit-records"
          title="Audit trail"
          filters={{ ...toApiQuery(params.query), page: undefined, pageSize: undefined, sort: undefined }}
          onClose={() => setExporting(false)}
        />
      )}
    </>
  );
}

/** Dates in the URL are the reader's local days; the API takes UTC instants (see {@link localDayRange}). */
export function toApiQuery(query: ListParams<AuditFilter>["query"]) {
  const { from, to, outcome, ...rest } = query;
  return { ...rest, outcome: outcome as Schemas["AuditOutcome"] | undefined, ...localDayRange(from, to) };
}
