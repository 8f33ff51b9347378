import type { ColumnDef } from "@tanstack/react-table";
import { Link } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge, statusTone } from "../../components/Badge";
import { DataTable, FilterSelect } from "../../components/DataTable";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { isEnabled, useFeatures, useTenantId } from "../shell/tenant";
import { GettingStarted } from "./GettingStarted";
import { assetsKey, useAssetGroups } from "./queries";

type Asset = Schemas["AssetSummary"];
const statusOptions = ["online", "offline", "revoked"].map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }));

export function osLabel(asset: Pick<Asset, "os" | "osVersion">): string {
  return [asset.os, asset.osVersion].filter(Boolean).join(" ") || "—";
}

/** The machines with an enrolled agent; a new tenant sees its getting-started checklist above them. */
export function AssetsPage() {
  const tenantId = useTenantId();
  const features = useFeatures(tenantId);
  const enroll = isEnabled(features.data, "enrollment");
  const groups = useAssetGroups(tenantId);
  const fetchPage = async (query: ListParams<"status" | "groupId">["query"]) =>
    unwrap(await api.GET("/api/v1/tenants/{tenantId}/assets", { params: { path: { tenantId }, query } }));
  const list = useServerList(assetsKey(tenantId), fetchPage, ["status", "groupId"] as const, "hostname");
  const params = list.params;
  const groupOptions = (groups.data ?? []).map((g) => ({ value: g.id, label: g.name }));

  const columns: ColumnDef<Asset, unknown>[] = [
    {
      header: "Hostname",
      meta: { sortKey: "hostname" },
      cell: ({ row }) => (
        <Link to={`/t/${tenantId}/assets/${row.original.id}`} className="font-medium text-accent underline">
          {row.original.hostname}
        </Link>
      ),
    },
    { header: "Status", cell: ({ row }) => <Badge tone={statusTone(row.original.status)}>{row.original.status}</Badge> },
    { header: "OS", meta: { sortKey: "os" }, cell: ({ row }) => osLabel(row.original) },
    { header: "Agent", meta: { hideBelow: "lg" }, cell: ({ row }) => row.original.agentVersion || "—" },
    { header: "Addresses", meta: { hideBelow: "lg" }, cell: ({ row }) => <span className="text-xs">{row.original.addresses.join(", ") || "—"}</span> },
    {
      header: "Tags",
      meta: { hideBelow: "md" },
      cell: ({ row }) => (
        <span className="flex flex-wrap gap-1">
          {row.original.tags.map((tag) => (
            <Badge key={tag}>{tag}</Badge>
          ))}
        </span>
      ),
    },
    { header: "Last seen", meta: { sortKey: "lastSeenAt" }, cell: ({ row }) => formatDate(row.original.lastSeenAt) },
  ];

  return (
    <>
      <PageHeader title="Assets" description="Machines with an enrolled agent. An asset is online while it checks in at least every three minutes." />
      {enroll && <GettingStarted tenantId={tenantId} showInvite={isEnabled(features.data, "users")} />}
      <DataTable
        label="Assets"
        columns={columns}
        list={list}
        getRowId={(a) => a.id}
        searchLabel="Search hostnames, addresses, tags"
        filters={
          <>
            <FilterSelect label="Status" name="status" params={params} options={statusOptions} />
            {groupOptions.length > 0 && <FilterSelect label="Group" name="groupId" params={params} options={groupOptions} />}
          </>
        }
        empty={{
          title: "No assets yet",
          body: enroll
            ? "An asset appears here when an agent enrolls with a token of this tenant and checks in."
            : "An asset appears here when an agent enrolls; administrators enroll agents on the Agent enrollment page.",
          action: enroll && (
            <Link to={`/t/${tenantId}/enrollment`} className="text-sm font-medium text-accent underline">
              Go to Agent enrollment
            </Link>
          ),
        }}
        csv={{
          filename: "assets.csv",
          columns: [
            { header: "Hostname", value: (a) => a.hostname },
            { header: "Status", value: (a) => a.status },
            { header: "OS", value: (a) => a.os },
            { header: "OS version", value: (a) => a.osVersion },
            { header: "Agent version", value: (a) => a.agentVersion },
            { header: "Addresses", value: (a) => a.addresses.join(" ") },
            { header: "Tags", value: (a) => a.tags.join(" ") },
            { header: "Group", value: (a) => groups.data?.find((g) => g.id === a.groupId)?.name },
            { header: "Last seen", value: (a) => a.lastSeenAt },
            { header: "Enrolled", value: (a) => a.enrolledAt },
            { header: "Dropped snapshots", value: (a) => a.droppedSnapshots },
          ],
        }}
      />
    </>
  );
}
