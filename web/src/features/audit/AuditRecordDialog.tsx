import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Fact } from "../../components/Fact";
import { FieldComparison } from "../../components/FieldComparison";
import { formatDate } from "../../components/format";
import { ErrorState, Spinner } from "../../components/States";
import { changedNames, flattenAudited } from "./auditJson";

/** One audit record by its place in the chain: every fact, and the audited object before and after, side by side. */
export function AuditRecordDialog({ tenantId, sequence, onClose }: { tenantId: string; sequence: number; onClose: () => void }) {
  const record = useQuery({
    queryKey: ["audit", tenantId, "record", sequence],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/audit-records/{sequence}", { params: { path: { tenantId, sequence } } })),
  });
  const r = record.data;
  const before = flattenAudited(r?.before);
  const after = flattenAudited(r?.after);

  return (
    <Dialog open title={`Audit record #${sequence}`} onClose={onClose} wide footer={<Button onClick={onClose}>Close</Button>}>
      {record.isLoading && <Spinner label="Loading the record" />}
      {record.error && <ErrorState error={record.error} onRetry={() => void record.refetch()} />}
      {r && (
        <div className="space-y-4">
          <dl className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="Time">{formatDate(r.occurredAt)}</Fact>
            <Fact label="Actor">{r.actorName ?? "system"}</Fact>
            <Fact label="Action">
              <code>{r.action}</code>
            </Fact>
            <Fact label="Outcome">
              <Badge tone={statusTone(r.outcome)}>{r.outcome}</Badge>
            </Fact>
            <Fact label="Target">{[r.targetType, r.targetId].filter(Boolean).join(" ") || "—"}</Fact>
            <Fact label="On behalf of">{r.onBehalfOfTenantId ? <span title={r.onBehalfOfTenantId}>MSP staff</span> : "—"}</Fact>
            <Fact label="Source IP">{r.sourceIp ?? "—"}</Fact>
            <Fact label="Request id">
              <code className="text-xs">{r.requestId ?? "—"}</code>
            </Fact>
            <Fact label="API token">{r.actorTokenId ? <code className="text-xs">{r.actorTokenId}</code> : "—"}</Fact>
          </dl>
          <p className="text-xs break-all text-muted">User agent: {r.userAgent ?? "—"}</p>
          <section aria-label="Before and after">
            <h3 className="mb-2 text-sm font-semibold">Before and after</h3>
            {before || after ? (
              <FieldComparison before={before} after={after} changes={changedNames(before, after)} />
            ) : (
              <p className="text-sm text-muted">This record carries no before or after state.</p>
            )}
          </section>
          <p className="font-mono text-xs break-all text-muted">
            hash {r.hash}
            <br />
            previous {r.previousHash}
          </p>
        </div>
      )}
    </Dialog>
  );
}
