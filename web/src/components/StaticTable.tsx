import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type { ReactNode } from "react";
import { BodyRows, hideClass } from "./DataTable";

/**
 * A small list that is loaded whole (an event's deliveries, a tenant's endpoints, the event types):
 * the same columns and look as {@link DataTable}, without paging, search or sorting. The caller shows
 * loading and error states; `empty` stands in for a list without rows.
 */
export function StaticTable<T>({
  label,
  columns,
  rows,
  getRowId,
  empty,
}: {
  /** Accessible name of the table, e.g. "Deliveries". */
  label: string;
  columns: ColumnDef<T, unknown>[];
  rows: T[];
  getRowId: (row: T) => string;
  empty?: ReactNode;
}) {
  const table = useReactTable({ data: rows, columns, getRowId, getCoreRowModel: getCoreRowModel() });
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-panel">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{label}</caption>
        <thead className="bg-raised text-xs tracking-wide text-muted uppercase">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={`px-3 py-2 font-semibold ${hideClass(header.column.columnDef.meta?.hideBelow)}`}>
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          <BodyRows table={table} align="top" />
        </tbody>
      </table>
      {rows.length === 0 && empty}
    </div>
  );
}
