import type { ColumnDef } from "@tanstack/react-table";
import type { Schemas } from "../../api/client";
import type { CsvColumn } from "../../components/csv";

type Entry = Schemas["SnapshotEntry"];

/** A column of an entry's fields: the first of `fields` the entry has (Linux and Windows agents name them differently). */
interface FieldColumn {
  header: string;
  fields: readonly string[];
  /** A SHA-256 shown shortened, the full value in its title. */
  hash?: boolean;
  hideBelow?: "md" | "lg";
}

export interface Category {
  id: string;
  label: string;
  /** The entry kinds the agents send in this category (the kind filter's choices). */
  kinds: readonly string[];
  columns: readonly FieldColumn[];
}

/** The snapshot categories in the agents' order (SnapshotCategories), with the fields worth a column each. */
export const categories: readonly Category[] = [
  {
    id: "boot",
    label: "Boot",
    kinds: ["boot-file", "default-target", "efi-boot-entry", "efi-boot-order", "grub-setting", "kernel-cmdline", "secure-boot"],
    columns: [
      { header: "Value", fields: ["value", "description", "order", "target", "unit", "enabled"] },
      { header: "SHA-256", fields: ["sha256"], hash: true, hideBelow: "md" },
    ],
  },
  {
    id: "services",
    label: "Services",
    kinds: ["systemd-unit", "windows-service"],
    columns: [
      { header: "Enabled", fields: ["enabled", "startType"] },
      { header: "State", fields: ["active"], hideBelow: "md" },
      { header: "Runs", fields: ["ExecStart", "imagePath", "Unit"] },
      { header: "User", fields: ["User", "objectName"], hideBelow: "lg" },
    ],
  },
  {
    id: "scheduled",
    label: "Scheduled",
    kinds: ["cron-entry", "cron-env", "cron-script", "scheduled-task"],
    columns: [
      { header: "Schedule", fields: ["schedule", "triggers"] },
      { header: "User", fields: ["user", "userId"], hideBelow: "md" },
      { header: "Command", fields: ["command", "actions", "value"] },
    ],
  },
  {
    id: "autoruns",
    label: "Autoruns",
    kinds: ["registry-value", "startup-file"],
    columns: [
      { header: "Location", fields: ["location"] },
      { header: "Value", fields: ["value", "linkTarget"] },
      { header: "SHA-256", fields: ["sha256"], hash: true, hideBelow: "md" },
    ],
  },
  {
    id: "processes",
    label: "Processes",
    kinds: ["process", "executable"],
    columns: [
      { header: "PID", fields: ["pid"] },
      { header: "User", fields: ["user"], hideBelow: "md" },
      { header: "Executable", fields: ["executable"] },
      { header: "SHA-256", fields: ["sha256"], hash: true, hideBelow: "md" },
    ],
  },
  {
    id: "network",
    label: "Network",
    kinds: ["socket"],
    columns: [
      { header: "State", fields: ["state"] },
      { header: "Process", fields: ["process"] },
      { header: "PID", fields: ["pid"], hideBelow: "md" },
    ],
  },
  {
    id: "cloud-profiles",
    label: "Cloud profiles",
    kinds: ["aws-profile", "azure-subscription", "gcloud-configuration"],
    columns: [
      { header: "Region", fields: ["region", "zone"] },
      { header: "Account", fields: ["accountIds", "account", "name"] },
    ],
  },
];

function fieldValue(entry: Entry, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = entry.fields[field];
    if (value) return value;
  }
  return undefined;
}

/** Kind, key and the category's field columns; long values are cut to one line with the full text in a title. */
export function entryColumns(category: Category): ColumnDef<Entry, unknown>[] {
  return [
    { id: "kind", header: "Kind", meta: { hideBelow: "md" }, cell: ({ row }) => <span className="text-xs whitespace-nowrap">{row.original.kind}</span> },
    { id: "key", header: "Key", cell: ({ row }) => <Truncated value={row.original.key} className="font-medium" /> },
    ...category.columns.map((column): ColumnDef<Entry, unknown> => ({
      id: column.header,
      header: column.header,
      meta: { hideBelow: column.hideBelow },
      cell: ({ row }) => {
        const value = fieldValue(row.original, column.fields);
        if (value === undefined) return <span className="text-muted">—</span>;
        return column.hash && value.length > 12 ? (
          <code className="text-xs" title={value}>
            {value.slice(0, 12)}…
          </code>
        ) : (
          <Truncated value={value} />
        );
      },
    })),
  ];
}

export function entryCsvColumns(category: Category): CsvColumn<Entry>[] {
  return [
    { header: "Kind", value: (e) => e.kind },
    { header: "Key", value: (e) => e.key },
    ...category.columns.map((column) => ({ header: column.header, value: (e: Entry) => fieldValue(e, column.fields) })),
    { header: "All fields", value: (e) => JSON.stringify(e.fields) },
  ];
}

function Truncated({ value, className = "" }: { value: string; className?: string }) {
  return (
    <span className={`block max-w-md truncate ${className}`} title={value}>
      {value}
    </span>
  );
}
