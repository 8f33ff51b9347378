import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
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
import { ledgerKey, useEventTypes } from "./queries";
import { channelLabels, channelOptions, type Channel } from "./words";

type LedgerEntry = Schemas["LedgerEntryResponse"];
/** The list's filters, named as the API and the `notification-ledger` export name them. */
const filterNames = ["from", "to", "eventType", "channel", "outcome", "recipient"] as const;
type LedgerFilter = (typeof filterNames)[number];
const outcomeOptions = ["delivered", "failed", "dead"].map((o) => ({ value: o, label: o[0]!.toUpperCase() + o.slice(1) }));
/** A digest's attempts carry this event type rather than one of the catalogue's (the server's NotificationDefaults.DigestEventType). */
const digestEventType = "digest";

/** Every attempt to deliver a notification, newest first: where each event went and what the other side answered. */
export function LedgerPage() {
  const tenantId = useTenantId();
  const fetchPage = async (query: ListParams<LedgerFilter>["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/notifications/ledger", { params: { path: { tenantId }, query: toLedgerQuery(query) } }));
  const list = useServerList(ledgerKey(tenantId), fetchPage, filterNames);
  const params = list.params;
  const eventTypes = useEventTypes(tenantId);
  const [exporting, setExporting] = useState(false);
  const eventTypeOptions = [...(eventTypes.data ?? []).map((t) => ({ value: t.key, label: t.title })), { value: digestEventType, label: "Digest" }];

  const columns: ColumnDef<LedgerEntry, unknown>[] = [
    { header: "Time", cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.startedAt)}</span> },
    {
      header: "Event",
      cell: ({ row }) => (
        <span className="flex flex-col">
          {row.original.eventId ? (
            <Link to={`/t/${tenantId}/notification-ledger/events/${row.original.eventId}`} className="font-medium text-accent underline">
              {row.original.eventTitle ?? row.original.eventType}
            </Link>
          ) : (
            <span className="font-medium">{row.original.eventType === digestEventType ? "Digest" : row.original.eventType}</span>
          )}
          <code className="text-xs text-muted">{row.original.eventType}</code>
        </span>
      ),
    },
    { header: "Channel", cell: ({ row }) => channelLabels[row.original.channel] },
    { header: "Recipient", cell: ({ row }) => <span className="break-all">{row.original.recipient}</span> },
    { header: "Attempt", meta: { hideBelow: "md" }, cell: ({ row }) => row.original.attempt },
    { header: "Outcome", cell: ({ row }) => <Badge tone={statusTone(row.original.outcome)}>{row.original.outcome}</Badge> },
    {
      header: "Response",
      meta: { hideBelow: "lg" },
      cell: ({ row }) => (
        <span className="line-clamp-2 max-w-xs text-xs break-words" title={row.original.response}>
          {row.original.response}
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Delivery ledger"
        description="Every attempt to deliver a notification — in-app, email, webhooks, Slack and Teams — with the answer it got. Retries show as further attempts; a delivery that runs out of them is dead."
        actions={<Button onClick={() => setExporting(true)}>Export…</Button>}
      />
      <DataTable
        label="Delivery attempts"
        columns={columns}
        list={list}
        getRowId={(e) => e.id}
        searchLabel="Search recipients, responses and event types"
        filters={
          <>
            <DateFilter label="From" name="from" params={params} />
            <DateFilter label="To" name="to" params={params} />
            <FilterSelect label="Event type" name="eventType" params={params} options={eventTypeOptions} />
            <FilterSelect label="Channel" name="channel" params={params} options={channelOptions} />
            <FilterSelect label="Outcome" name="outcome" params={params} options={outcomeOptions} />
            <TextFilter label="Recipient contains" name="recipient" params={params} />
          </>
        }
        empty={{
          title: "Nothing delivered yet",
          body: "Each notification's deliveries show here as they are attempted. Send a test notification from the endpoints page to see one.",
        }}
      />
      {exporting && (
        <RequestExport
          tenantId={tenantId}
          dataset="notification-ledger"
          title="Delivery ledger"
          filters={{ ...toLedgerQuery(params.query), page: undefined, pageSize: undefined, sort: undefined }}
          onClose={() => setExporting(false)}
        />
      )}
    </>
  );
}

/** The list's URL state as the API's query: local days to UTC instants, the enums typed. */
export function toLedgerQuery(query: ListParams<LedgerFilter>["query"]) {
  const { from, to, channel, outcome, ...rest } = query;
  return { ...rest, channel: channel as Channel | undefined, outcome: outcome as Schemas["AttemptOutcome"] | undefined, ...localDayRange(from, to) };
}
