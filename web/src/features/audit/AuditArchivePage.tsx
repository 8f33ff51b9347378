import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button } from "../../components/Button";
import { DataTable, DateFilter } from "../../components/DataTable";
import { localDayRange } from "../../components/days";
import { formatBytes, formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { RequestExport } from "../exports/RequestExport";
import { useTenantId } from "../shell/tenant";
import { auditFilterNames, AuditRecordsTable, toApiQuery, type AuditFilter } from "./AuditRecordsTable";

type Segment = Schemas["AuditArchiveSegmentResponse"];
const segmentFilterNames = ["from", "to"] as const;

const fileHref = (tenantId: string, firstSequence: number) => `/api/v1/tenants/${tenantId}/audit-archive/${firstSequence}/file`;

/**
 * The tenant's archive segments: records older than the server's archive window, compressed and
 * signed, newest first. Each opens for search or downloads as evidence an auditor verifies offline;
 * the trail of the period, archived records included, exports as a report or as evidence.
 */
export function AuditArchivePage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<(typeof segmentFilterNames)[number]>["query"]) => {
    const { from, to, ...rest } = query;
    return unwrap(
      await api.GET("/api/v1/tenants/{tenantId}/audit-archive", { params: { path: { tenantId }, query: { ...rest, ...localDayRange(from, to) } } }),
    );
  };
  const list = useServerList(["audit", tenantId, "archive"], fetchPage, segmentFilterNames, "-firstSequence");
  const [exporting, setExporting] = useState<"audit-records" | "audit-evidence" | null>(null);

  const columns: ColumnDef<Segment, unknown>[] = [
    {
      header: "Records",
      meta: { sortKey: "firstSequence" },
      cell: ({ row }) => (
        <Link to={`/t/${tenantId}/audit-archive/${row.original.firstSequence}`} className="font-mono text-xs text-accent underline">
          #{row.original.firstSequence}–{row.original.lastSequence}
        </Link>
      ),
    },
    {
      header: "Period",
      cell: ({ row }) => (
        <span className="whitespace-nowrap">
          {formatDate(row.original.firstOccurredAt)} – {formatDate(row.original.lastOccurredAt)}
        </span>
      ),
    },
    { header: "Count", cell: ({ row }) => row.original.records.toLocaleString() },
    {
      header: "Size",
      meta: { hideBelow: "md" },
      cell: ({ row }) => `${formatBytes(row.original.compressedBytes)} (of ${formatBytes(row.original.uncompressedBytes)})`,
    },
    { header: "Archived", meta: { hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.archivedAt) },
    {
      header: "Evidence",
      cell: ({ row }) => (
        <a
          className="text-accent underline"
          href={fileHref(tenantId, row.original.firstSequence)}
          download
          aria-label={`Download records ${row.original.firstSequence}–${row.original.lastSequence}`}
        >
          Download
        </a>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Audit archive"
        description="Records older than the server's archive window (90 days unless the operator changed it) leave the live trail for compressed segments. Each ends at a signed anchor, stays part of the chain check, and downloads as an evidence file that `tenantra audit verify --file` checks offline."
        actions={
          <>
            <Button onClick={() => setExporting("audit-records")}>Export with archived…</Button>
            <Button onClick={() => setExporting("audit-evidence")}>Export evidence with archived…</Button>
          </>
        }
      />
      <DataTable
        label="Archive segments"
        columns={columns}
        list={list}
        getRowId={(s) => String(s.firstSequence)}
        filters={
          <>
            <DateFilter label="From" name="from" params={list.params} />
            <DateFilter label="To" name="to" params={list.params} />
          </>
        }
        empty={{ title: "Nothing archived yet", body: "Every record is still in the live audit trail." }}
      />
      {exporting && (
        <RequestExport
          tenantId={tenantId}
          dataset={exporting}
          title={exporting === "audit-records" ? "Audit trail with archived records" : "Audit trail evidence with archived records"}
          filters={{ ...localDayRange(list.params.query.from, list.params.query.to), archived: "true" }}
          onClose={() => setExporting(null)}
        />
      )}
    </>
  );
}

/** One archive segment's records, searched on demand with the trail's filters. */
export function AuditArchiveSegmentPage() {
  const tenantId = useTenantId();
  const firstSequence = Number(useParams().firstSequence);
  const fetchPage = async (query: ListParams<AuditFilter>["query"]) =>
    unwrap(
      await api.GET("/api/v1/tenants/{tenantId}/audit-archive/{firstSequence}/records", {
        params: { path: { tenantId, firstSequence }, query: toApiQuery(query) },
      }),
    );
  const list = useServerList(["audit", tenantId, "archive", firstSequence], fetchPage, auditFilterNames, "-occurredAt");

  return (
    <>
      <PageHeader
        title={`Archived records from #${firstSequence}`}
        description={
          <>
            Read from the compressed segment on each search.{" "}
            <Link to={`/t/${tenantId}/audit-archive`} className="text-accent underline">
              All segments
            </Link>
            {" · "}
            <a className="text-accent underline" href={fileHref(tenantId, firstSequence)} download>
              Download as evidence
            </a>
          </>
        }
      />
      <AuditRecordsTable
        tenantId={tenantId}
        label="Archived audit records"
        list={list}
        empty={{ title: "This segment holds no records" }}
        csvFilename={`audit-archive-${firstSequence}.csv`}
      />
    </>
  );
}
