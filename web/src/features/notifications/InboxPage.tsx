import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";
import { Link } from "react-router";
import { api, type Schemas } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { DataTable, FilterCheckbox, FilterSelect } from "../../components/DataTable";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import { useToast } from "../../components/Toasts";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { useTenantId } from "../shell/tenant";
import { inboxKey, notificationsKey, useUnreadCount } from "./queries";
import { consoleLink, foldedLabel, leastSeverityOptions, SeverityBadge, type Severity } from "./words";

type InboxItem = Schemas["InboxItemResponse"];
const filterNames = ["unread", "severity"] as const;
type InboxFilter = (typeof filterNames)[number];

/** The caller's in-app notifications in this tenant, newest first. */
export function InboxPage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<InboxFilter>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/notifications/inbox", { params: { path: { tenantId }, query: toApiQuery(query) } }));
  const list = useServerList(inboxKey(tenantId), fetchPage, filterNames);
  const unread = useUnreadCount(tenantId).data?.unread ?? 0;
  const queryClient = useQueryClient();
  const toast = useToast();
  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationsKey(tenantId) });

  const markAll = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/tenants/{tenantId}/notifications/inbox/read-all", { params: { path: { tenantId } } })),
    onSuccess: async (result) => {
      await refresh();
      toast.show(result.marked === 1 ? "1 notification marked read." : `${result.marked.toLocaleString()} notifications marked read.`);
    },
    onError: (error) => toast.show(`Could not mark them read: ${problemMessage(error)}`, "error"),
  });

  // Stable columns, so that a row's button is not made anew (losing focus) when the list re-renders.
  const columns = useMemo<ColumnDef<InboxItem, unknown>[]>(
    () => [
      { header: "Severity", cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
      { header: "Notification", cell: ({ row }) => <NotificationSummary tenantId={tenantId} item={row.original} /> },
      { header: "Time", meta: { hideBelow: "md" }, cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.occurredAt)}</span> },
      { header: "Actions", cell: ({ row }) => !row.original.read && <MarkReadButton tenantId={tenantId} item={row.original} /> },
    ],
    [tenantId],
  );

  return (
    <>
      <PageHeader
        title="Notifications"
        description="What happened in this tenant that your notification preferences send to your inbox."
        actions={
          <>
            <Link to={`/t/${tenantId}/notification-preferences`} className="rounded-md px-3 py-1.5 text-sm font-medium text-accent underline">
              Preferences
            </Link>
            <Button busy={markAll.isPending} disabled={unread === 0} onClick={() => markAll.mutate()}>
              Mark all read
            </Button>
          </>
        }
      />
      <DataTable
        label="Notifications"
        columns={columns}
        list={list}
        getRowId={(n) => n.id}
        searchLabel="Search titles"
        filters={
          <>
            <FilterSelect label="Least severity" name="severity" params={list.params} options={leastSeverityOptions} />
            <FilterCheckbox label="Unread only" name="unread" params={list.params} />
          </>
        }
        empty={{
          title: "No notifications yet",
          body: "Notifications come from what happens in this tenant — drift, threat-intelligence matches, agents going offline, failed scans — and reach you as your preferences say: by default in-app and by email from medium severity up.",
          action: (
            <Link to={`/t/${tenantId}/notification-preferences`} className="text-sm font-medium text-accent underline">
              Notification preferences
            </Link>
          ),
        }}
      />
    </>
  );
}

function toApiQuery(query: ListParams<InboxFilter>["query"]) {
  const { unread, severity, ...rest } = query;
  return { ...rest, unread: unread === "true" ? true : undefined, severity: severity as Severity | undefined };
}

/** Marks one notification read; the inbox and the bell follow. */
function useMarkRead(tenantId: string) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: async (item: InboxItem) =>
      unwrap(await api.POST("/api/v1/tenants/{tenantId}/notifications/inbox/{deliveryId}/read", { params: { path: { tenantId, deliveryId: item.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsKey(tenantId) }),
    onError: (error) => toast.show(`Could not mark it read: ${problemMessage(error)}`, "error"),
  });
}

function MarkReadButton({ tenantId, item }: { tenantId: string; item: InboxItem }) {
  const markRead = useMarkRead(tenantId);
  return (
    <Button variant="ghost" busy={markRead.isPending} onClick={() => markRead.mutate(item)} aria-label={`Mark ${item.title} read`}>
      Mark read
    </Button>
  );
}

/** Title (a link when the notification is about something in the console, which opening marks read), unread marker, folding and facts. */
function NotificationSummary({ tenantId, item }: { tenantId: string; item: InboxItem }) {
  const markRead = useMarkRead(tenantId);
  const onOpen = () => !item.read && markRead.mutate(item);
  const folded = foldedLabel(item.foldedCount);
  const facts = Object.entries(item.facts);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2">
        {!item.read && <span className="size-2 shrink-0 rounded-full bg-accent" aria-hidden="true" />}
        {item.link ? (
          <Link to={consoleLink(tenantId, item.link)} onClick={onOpen} className={`text-accent underline ${item.read ? "" : "font-semibold"}`}>
            {item.title}
          </Link>
        ) : (
          <span className={item.read ? "" : "font-semibold"}>{item.title}</span>
        )}
        {!item.read && <span className="sr-only">(unread)</span>}
        {folded && <Badge tone="accent">{folded}</Badge>}
      </div>
      {facts.length > 0 && (
        <dl className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-muted">
          {facts.map(([name, value]) => (
            <div key={name} className="flex gap-1">
              <dt>{name}:</dt>
              <dd className="text-ink">{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <span className="text-xs text-muted md:hidden">{formatDate(item.occurredAt)}</span>
    </div>
  );
}
