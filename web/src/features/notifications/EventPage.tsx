import { useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Link, useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge, statusTone } from "../../components/Badge";
import { Fact } from "../../components/Fact";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { StaticTable } from "../../components/StaticTable";
import { useTenantId } from "../shell/tenant";
import { ledgerKey, useEventTypes } from "./queries";
import { channelLabels, consoleLink, SeverityBadge } from "./words";

type NotificationEvent = Schemas["NotificationEventResponse"];
type Delivery = Schemas["DeliveryResponse"];
type Attempt = Schemas["LedgerEntryResponse"];

const deliveryStatusLabels: Record<Schemas["DeliveryStatus"], string> = {
  pending: "pending",
  delivered: "delivered",
  dead: "dead",
  folded: "folded",
  inDigest: "in digest",
};

/** While routing has not run or a delivery is still queued, the page follows it. */
const followMs = 5_000;

function settled(event: NotificationEvent | undefined) {
  return event !== undefined && event.routedAt !== null && !event.deliveries.some((d) => d.status === "pending");
}

/** One published event: its facts, who it was delivered to on which channel, and every attempt. */
export function EventPage() {
  const tenantId = useTenantId();
  const eventId = useParams().eventId!;
  const eventTypes = useEventTypes(tenantId);
  const event = useQuery({
    queryKey: [...ledgerKey(tenantId), "event", eventId],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/notifications/events/{eventId}", { params: { path: { tenantId, eventId } } })),
    refetchInterval: (query) => (query.state.data && !settled(query.state.data) ? followMs : false),
  });

  if (event.isPending) return <Spinner />;
  if (event.isError) return <ErrorState error={event.error} onRetry={() => event.refetch()} />;
  const e = event.data;
  const type = eventTypes.data?.find((t) => t.key === e.type);

  const deliveryColumns: ColumnDef<Delivery, unknown>[] = [
    { header: "Channel", cell: ({ row }) => channelLabels[row.original.channel] },
    { header: "Recipient", cell: ({ row }) => <span className="break-all">{row.original.recipient}</span> },
    {
      header: "Status",
      cell: ({ row }) => (
        <span className="flex flex-wrap items-center gap-1">
          <Badge tone={statusTone(row.original.status)}>{deliveryStatusLabels[row.original.status]}</Badge>
          {row.original.foldedCount > 0 && <Badge tone="accent">+{row.original.foldedCount.toLocaleString()} folded in</Badge>}
        </span>
      ),
    },
    { header: "Attempts", cell: ({ row }) => row.original.attempts },
    { header: "Due", meta: { hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.dueAt) },
    { header: "Delivered", cell: ({ row }) => formatDate(row.original.deliveredAt) },
  ];
  const attemptColumns: ColumnDef<Attempt, unknown>[] = [
    { header: "Time", cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.startedAt)}</span> },
    { header: "Channel", cell: ({ row }) => channelLabels[row.original.channel] },
    { header: "Recipient", cell: ({ row }) => <span className="break-all">{row.original.recipient}</span> },
    { header: "Attempt", cell: ({ row }) => row.original.attempt },
    { header: "Outcome", cell: ({ row }) => <Badge tone={statusTone(row.original.outcome)}>{row.original.outcome}</Badge> },
    { header: "Response", cell: ({ row }) => <span className="text-xs break-words">{row.original.response}</span> },
  ];
  const facts = Object.entries(e.facts);

  return (
    <>
      <PageHeader
        title={e.title}
        description={
          <>
            {type?.title ?? e.type} · <code className="text-xs">{e.type}</code>
            {e.link && (
              <>
                {" · "}
                <Link to={consoleLink(tenantId, e.link)} className="text-accent underline">
                  Open what it is about
                </Link>
              </>
            )}
          </>
        }
      />
      <dl className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Severity">
          <SeverityBadge severity={e.severity} />
        </Fact>
        <Fact label="Occurred">{formatDate(e.occurredAt)}</Fact>
        <Fact label="Routed">{e.routedAt ? formatDate(e.routedAt) : <Badge tone="warn">not yet</Badge>}</Fact>
        <Fact label="Deliveries">{e.deliveries.length.toLocaleString()}</Fact>
        {facts.map(([name, value]) => (
          <Fact key={name} label={name}>
            <span className="font-normal break-all">{value}</span>
          </Fact>
        ))}
      </dl>
      <section aria-label="Deliveries" className="mb-6">
        <h2 className="mb-2 text-base font-semibold">Deliveries</h2>
        <StaticTable
          label="Deliveries"
          columns={deliveryColumns}
          rows={e.deliveries}
          getRowId={(d) => d.id}
          empty={
            <EmptyState title={e.routedAt ? "Nobody was to get it" : "Not routed yet"}>
              {e.routedAt
                ? "No one's preferences and no endpoint wanted this event at its severity."
                : "Routing runs in the background within moments; this page follows it."}
            </EmptyState>
          }
        />
      </section>
      <section aria-label="Attempts">
        <h2 className="mb-2 text-base font-semibold">Attempts</h2>
        <StaticTable
          label="Attempts"
          columns={attemptColumns}
          rows={e.attempts}
          getRowId={(a) => a.id}
          empty={<EmptyState title="No attempts yet">Deliveries held for quiet hours or a digest are attempted when they are due.</EmptyState>}
        />
      </section>
    </>
  );
}
