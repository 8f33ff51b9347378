import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { RequestExport } from "../exports/RequestExport";
import { useTenantId } from "../shell/tenant";
import { auditFilterNames, AuditRecordsTable, toApiQuery, type AuditFilter } from "./AuditRecordsTable";

/**
 * The tenant's audit trail, newest first: filters, full-text search, a record's detail, the chain
 * check with its signed anchors, exports — readable (CSV, PDF) or as evidence an auditor verifies
 * offline — and where the archive takes over.
 */
export function AuditPage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<AuditFilter>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/audit-records", { params: { path: { tenantId }, query: toApiQuery(query) } }));
  const list = useServerList(["audit", tenantId], fetchPage, auditFilterNames, "-occurredAt");
  const [exporting, setExporting] = useState<"audit-records" | "audit-evidence" | null>(null);
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/tenants/{tenantId}/audit-records/verify", { params: { path: { tenantId } } })),
  });
  const newestSegment = useQuery({
    queryKey: ["audit", tenantId, "archive", "newest"],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/audit-archive", { params: { path: { tenantId }, query: { pageSize: 1 } } })),
  });
  const archived = newestSegment.data?.items[0];

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
              ? `${verify.data.recordsChecked.toLocaleString()} records checked${archived ? ", archived ones included" : ""}. `
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
      {archived && (
        <p className="mb-3 text-sm text-muted">
          Records 1–{archived.lastSequence.toLocaleString()} (until {formatDate(archived.lastOccurredAt)}) are archived in compressed, signed segments and not
          in this list:{" "}
          <Link to={`/t/${tenantId}/audit-archive`} className="text-accent underline">
            search the archive
          </Link>
          .
        </p>
      )}
      <AuditRecordsTable tenantId={tenantId} label="Audit records" list={list} empty={{ title: "No audit records yet" }} csvFilename="audit-records.csv" />
      {exporting && (
        <RequestExport
          tenantId={tenantId}
          dataset={exporting}
          title={exporting === "audit-records" ? "Audit trail" : "Audit trail evidence (JSON is what `tenantra audit verify --file` checks)"}
          filters={{ ...toApiQuery(list.params.query), page: undefined, pageSize: undefined, sort: undefined }}
          onClose={() => setExporting(null)}
        />
      )}
    </>
  );
}
