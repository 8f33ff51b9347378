import { useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useEffect, useState } from "react";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DataTable } from "../../components/DataTable";
import { formatBytes, formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { useToast } from "../../components/Toasts";
import { useTenantId } from "../shell/tenant";
import { exportsKey } from "./queries";

type Export = Schemas["ExportResponse"];

/** The caller's exports: progress while they are written, then the download (for seven days). */
export function ExportsPage() {
  const tenantId = useTenantId();
  const queryKey = exportsKey(tenantId);
  const fetchPage = async (query: ListParams<never>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/exports", { params: { path: { tenantId }, query } }));
  const list = useServerList(queryKey, fetchPage);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [deleting, setDeleting] = useState<Export | null>(null);

  // While an export is being written, follow its progress.
  const active = list.page?.items.some((e) => e.status === "queued" || e.status === "running") ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void queryClient.invalidateQueries({ queryKey: exportsKey(tenantId) }), 1000);
    return () => clearInterval(timer);
  }, [active, queryClient, tenantId]);

  const columns: ColumnDef<Export, unknown>[] = [
    { header: "Export", cell: ({ row }) => <span className="font-medium">{row.original.title}</span> },
    { header: "Format", cell: ({ row }) => row.original.format.toUpperCase() },
    {
      header: "Status",
      cell: ({ row }) => (
        <span className="flex flex-col gap-1">
          <Badge tone={statusTone(row.original.status)}>{row.original.status}</Badge>
          {row.original.status === "running" && <span className="text-xs text-muted">{row.original.rowsWritten.toLocaleString()} rows so far</span>}
          {row.original.error && <span className="text-xs text-danger">{row.original.error}</span>}
        </span>
      ),
    },
    { header: "Rows", cell: ({ row }) => row.original.rows?.toLocaleString() ?? "—" },
    { header: "Size", meta: { hideBelow: "md" }, cell: ({ row }) => (row.original.sizeBytes == null ? "—" : formatBytes(row.original.sizeBytes)) },
    { header: "Requested", meta: { hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.createdAt) },
    { header: "Available until", meta: { hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.expiresAt) },
    {
      header: "Actions",
      cell: ({ row }) => (
        <span className="flex gap-2">
          {row.original.status === "ready" && (
            <a
              className="rounded px-2 py-1 text-sm font-medium text-accent underline"
              href={`/api/v1/tenants/${tenantId}/exports/${row.original.id}/file`}
              download={row.original.fileName}
              title={`SHA-256 ${row.original.sha256 ?? ""}`}
            >
              Download
            </a>
          )}
          <Button variant="danger-ghost" onClick={() => setDeleting(row.original)} aria-label={`Delete ${row.original.fileName}`}>
            Delete
          </Button>
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Exports"
        description="Files you exported from this tenant's lists. They are written in the background and kept for seven days; each download is recorded in the audit trail."
      />
      <DataTable
        label="Exports"
        columns={columns}
        list={list}
        getRowId={(e) => e.id}
        empty={{ title: "No exports yet", body: "Start one with Export on a list, for example the audit trail." }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.fileName ?? ""}?`}
        confirmLabel="Delete export"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/exports/{exportId}", { params: { path: { tenantId, exportId: deleting!.id } } }));
          await queryClient.invalidateQueries({ queryKey });
          toast.show(`${deleting!.fileName} is deleted.`);
        }}
      >
        The file is removed; you can export again at any time.
      </ConfirmDialog>
    </>
  );
}
