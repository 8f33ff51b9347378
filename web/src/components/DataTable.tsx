import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type Table } from "@tanstack/react-table";
import { useEffect, useState, type ReactNode } from "react";
import { problemMessage } from "../api/problems";
import { Button } from "./Button";
import { toCsv, downloadText, fetchAllPages, type CsvColumn } from "./csv";
import { inputClass } from "./FormField";
import { EmptyState, ErrorState } from "./States";
import { useToast } from "./Toasts";
import { pageSizes, type ListParams } from "./useListParams";
import type { ServerList } from "./useServerList";

declare module "@tanstack/react-table" {
  /** Columns name the server's sort key they map to, and may hide on narrow screens. */
  interface ColumnMeta<TData, TValue> {
    sortKey?: string;
    /** Hidden below this width to keep the table usable on a tablet. */
    hideBelow?: "md" | "lg";
  }
}

export interface DataTableProps<T, F extends string> {
  /** Accessible name of the table, e.g. "Users". */
  label: string;
  columns: ColumnDef<T, unknown>[];
  list: ServerList<T, F>;
  getRowId: (row: T) => string;
  searchLabel?: string;
  filters?: ReactNode;
  empty: { title: string; body?: ReactNode; action?: ReactNode };
  csv?: { filename: string; columns: CsvColumn<T>[] };
}

/**
 * The list pattern every page uses: search and filters in the URL, server-side sorting and
 * pagination, loading skeleton, empty and error states, and CSV export of the whole filtered set.
 */
export function DataTable<T, F extends string>(props: DataTableProps<T, F>) {
  const { label, columns, list, getRowId, searchLabel, filters, empty, csv } = props;
  const { page, isLoading, error, params } = list;
  const table = useReactTable({
    data: page?.items ?? [],
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
  });
  const total = page?.total ?? 0;
  const first = total === 0 ? 0 : (params.page - 1) * params.pageSize + 1;
  const last = Math.min(params.page * params.pageSize, total);
  const pageCount = Math.max(1, Math.ceil(total / params.pageSize));
  // A page emptied by deleting its last rows (or a stale link) moves back to the last page that exists.
  const { setPage } = params;
  useEffect(() => {
    if (page && page.items.length === 0 && total > 0 && params.page > pageCount) setPage(pageCount);
  }, [page, total, params.page, pageCount, setPage]);
  const filtered = params.q !== "" || Object.values(params.filters).some((v) => v !== undefined);

  return (
    <section aria-label={label} className="rounded-lg border border-line bg-panel">
      <div className="flex flex-wrap items-end gap-3 border-b border-line p-3">
        {searchLabel && <SearchBox label={searchLabel} value={params.q} onSearch={params.setSearch} />}
        {filters}
        <div className="ml-auto flex gap-2">{csv && <CsvExportButton {...csv} fetchPage={list.fetchPage} />}</div>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{label}</caption>
          <thead className="bg-raised text-xs tracking-wide text-muted uppercase">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sortKey = header.column.columnDef.meta?.sortKey;
                  const direction = sortKey && params.sort === sortKey ? "ascending" : sortKey && params.sort === `-${sortKey}` ? "descending" : undefined;
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={direction}
                      className={`px-3 py-2 font-semibold ${hideClass(header.column.columnDef.meta?.hideBelow)}`}
                    >
                      {sortKey ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 uppercase hover:text-ink"
                          onClick={() => params.setSort(direction === "ascending" ? `-${sortKey}` : sortKey)}
                        >
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true">{direction === "ascending" ? "▲" : direction === "descending" ? "▼" : "↕"}</span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {isLoading &&
              Array.from({ length: 5 }, (_, i) => (
                <tr key={i} className="border-t border-line" aria-hidden="true">
                  {columns.map((_, j) => (
                    <td key={j} className="px-3 py-3">
                      <div className="h-3 animate-pulse rounded bg-raised" />
                    </td>
                  ))}
                </tr>
              ))}
            {!isLoading && !error && <BodyRows table={table} />}
          </tbody>
        </table>
        {isLoading && (
          <p className="sr-only" role="status">
            Loading {label.toLowerCase()}…
          </p>
        )}
        {!isLoading && error !== null && error !== undefined && <ErrorState error={error} onRetry={list.refetch} />}
        {!isLoading && !error && page && page.items.length === 0 && (
          <EmptyState title={filtered ? "Nothing matches these filters" : empty.title} action={filtered ? undefined : empty.action}>
            {filtered ? "Change the search or filters to see more." : empty.body}
          </EmptyState>
        )}
      </div>
      <nav aria-label={`${label} pages`} className="flex flex-wrap items-center justify-between gap-3 border-t border-line p-3 text-sm text-muted">
        <p aria-live="polite">
          {total === 0 ? "No results" : `${first.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}${page?.totalIsAtLeast ? "+" : ""}`}
        </p>
        <div className="flex items-center gap-2">
          <label className="flex items-center gap-2 whitespace-nowrap">
            Rows per page
            <select className={`${inputClass} w-auto`} value={params.pageSize} onChange={(e) => params.setPageSize(Number(e.target.value))}>
              {pageSizes.map((size) => (
                <option key={size}>{size}</option>
              ))}
            </select>
          </label>
          <Button onClick={() => params.setPage(params.page - 1)} disabled={params.page <= 1}>
            Previous
          </Button>
          <span aria-current="page">
            Page {params.page} of {pageCount}
          </span>
          <Button onClick={() => params.setPage(params.page + 1)} disabled={params.page >= pageCount}>
            Next
          </Button>
        </div>
      </nav>
    </section>
  );
}

/** A table's rows as every list shows them (StaticTable too). */
export function BodyRows<T>({ table, align = "middle" }: { table: Table<T>; align?: "middle" | "top" }) {
  return table.getRowModel().rows.map((row) => (
    <tr key={row.id} className="border-t border-line hover:bg-raised/60">
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id} className={`px-3 py-2 ${align === "top" ? "align-top" : "align-middle"} ${hideClass(cell.column.columnDef.meta?.hideBelow)}`}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  ));
}

/** The classes that hide a column below a width (`meta.hideBelow`). */
export function hideClass(below: "md" | "lg" | undefined) {
  return below === "md" ? "hidden md:table-cell" : below === "lg" ? "hidden lg:table-cell" : "";
}

/** Search that applies 300 ms after typing stops (and at once on Enter). */
export function SearchBox({ label, value, onSearch }: { label: string; value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text), 300);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <label className="flex min-w-56 flex-1 flex-col gap-1 text-xs font-medium text-muted sm:max-w-80">
      {label}
      <input
        type="search"
        className={inputClass}
        value={text}
        placeholder="Search…"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && onSearch(text)}
      />
    </label>
  );
}

/** A filter drop-down bound to one URL parameter; the empty option clears it. */
export function FilterSelect<F extends string>({
  label,
  name,
  params,
  options,
}: {
  label: string;
  name: F;
  params: ListParams<F>;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-muted">
      {label}
      <select className={`${inputClass} w-auto`} value={params.filters[name] ?? ""} onChange={(e) => params.setFilter(name, e.target.value || undefined)}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A text filter applied on Enter or when leaving the box; it follows the URL (back, forward, another tenant). */
export function TextFilter<F extends string>({ label, name, params, placeholder }: { label: string; name: F; params: ListParams<F>; placeholder?: string }) {
  const applied = params.filters[name] ?? "";
  const [text, setText] = useState(applied);
  useEffect(() => setText(applied), [applied]);
  // Only a changed value: leaving the box (say, by clicking a link in the results) must not navigate again.
  const apply = () => {
    if (text.trim() !== applied) params.setFilter(name, text.trim() || undefined);
  };
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-muted">
      {label}
      <input
        className={`${inputClass} w-40`}
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === "Enter" && apply()}
      />
    </label>
  );
}

/** A day (YYYY-MM-DD, the reader's local day) bound to one URL parameter; see `localDayRange` for the API's instants. */
export function DateFilter<F extends string>({ label, name, params }: { label: string; name: F; params: ListParams<F> }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-muted">
      {label}
      <input
        type="date"
        className={`${inputClass} w-40`}
        value={params.filters[name] ?? ""}
        onChange={(e) => params.setFilter(name, e.target.value || undefined)}
      />
    </label>
  );
}

/** A yes-only filter (e.g. "Unread only"): checked sets the URL parameter to `true`, unchecked removes it. */
export function FilterCheckbox<F extends string>({ label, name, params }: { label: string; name: F; params: ListParams<F> }) {
  return (
    <label className="flex items-center gap-2 self-end py-1.5 text-sm text-ink">
      <input type="checkbox" checked={params.filters[name] === "true"} onChange={(e) => params.setFilter(name, e.target.checked ? "true" : undefined)} />
      {label}
    </label>
  );
}

function CsvExportButton<T>({ filename, columns, fetchPage }: NonNullable<DataTableProps<T, string>["csv"]> & Pick<ServerList<T, string>, "fetchPage">) {
  const toast = useToast();
  const [progress, setProgress] = useState<string | null>(null);
  const run = async () => {
    setProgress("Exporting…");
    try {
      const { rows, available } = await fetchAllPages(fetchPage, (done, total) =>
        setProgress(`Exporting ${done.toLocaleString()} / ${total.toLocaleString()}…`),
      );
      downloadText(filename, toCsv(rows, columns));
      if (rows.length < available) {
        toast.show(
          `Exported the first ${rows.length.toLocaleString()} of ${available.toLocaleString()} rows to ${filename}, the most the console exports at once. Narrow the filters for the rest.`,
          "info",
        );
      } else {
        toast.show(`Exported ${rows.length.toLocaleString()} rows to ${filename}.`);
      }
    } catch (error) {
      toast.show(`Export failed: ${problemMessage(error)}`, "error");
    } finally {
      setProgress(null);
    }
  };
  return (
    <Button onClick={run} busy={progress !== null} aria-live="polite">
      {progress ?? "Export CSV"}
    </Button>
  );
}
