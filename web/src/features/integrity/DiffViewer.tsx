import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button } from "../../components/Button";
import { OptionList } from "../../components/OptionList";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { useDebounced } from "../../components/useDebounced";
import { SeverityBadge } from "../notifications/words";
import { FieldComparison } from "../../components/FieldComparison";
import { integrityKey, useSnapshotHistory } from "./queries";
import { categoryOptions, ChangeBadge, type IntegrityCategory } from "./words";

type StatusFilter = "changed" | "all" | "added" | "removed" | "modified" | "unchanged";

const statusChoices: { value: StatusFilter; label: string }[] = [
  { value: "changed", label: "Changes only" },
  { value: "all", label: "Every entry (baseline vs drift)" },
  { value: "added", label: "Added" },
  { value: "removed", label: "Removed" },
  { value: "modified", label: "Modified" },
  { value: "unchanged", label: "Unchanged" },
];
const pageSize = 50;

/**
 * Two states of one category side by side: the baseline, the current state or any stored snapshot
 * on either side. Entries are matched by identity; each changed entry opens to its fields before and after.
 */
export function DiffViewer({ tenantId, assetId, initialCategory = "services" }: { tenantId: string; assetId: string; initialCategory?: IntegrityCategory }) {
  const [category, setCategory] = useState<IntegrityCategory>(initialCategory);
  const [from, setFrom] = useState("baseline");
  const [to, setTo] = useState("current");
  const [status, setStatus] = useState<StatusFilter>("changed");
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const q = useDebounced(search.trim(), 300);
  const history = useSnapshotHistory(tenantId, assetId, category);
  const diff = useQuery({
    queryKey: [...integrityKey(tenantId), "diff", assetId, category, from, to, status, q, page],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tenants/{tenantId}/assets/{assetId}/diff/{category}", {
          params: {
            path: { tenantId, assetId, category },
            query: { from, to, status: status === "changed" ? undefined : status, q: q || undefined, page, pageSize },
          },
        }),
      ),
    placeholderData: (previous) => previous,
  });
  const reset = () => {
    setPage(1);
    setOpen(null);
  };
  const snapshots = history.data?.items ?? [];
  const sideOptions = (fixed: { value: string; label: string }[]) => [
    ...fixed,
    ...snapshots.map((s) => ({ value: s.id, label: `Snapshot of ${formatDate(s.collectedAt)} (${s.entryCount.toLocaleString()} entries)` })),
  ];

  return (
    <section aria-label="Compare states" className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <FormField label="Category">
          <select
            className={inputClass}
            value={category}
            onChange={(e) => {
              setCategory(e.target.value as IntegrityCategory);
              setFrom("baseline");
              setTo("current");
              reset();
            }}
          >
            <OptionList options={categoryOptions} />
          </select>
        </FormField>
        <FormField label="From">
          <select className={inputClass} value={from} onChange={(e) => (setFrom(e.target.value), reset())}>
            <OptionList
              options={sideOptions([
                { value: "baseline", label: "Baseline" },
                { value: "current", label: "Current state" },
              ])}
            />
          </select>
        </FormField>
        <FormField label="To">
          <select className={inputClass} value={to} onChange={(e) => (setTo(e.target.value), reset())}>
            <OptionList
              options={sideOptions([
                { value: "current", label: "Current state" },
                { value: "baseline", label: "Baseline" },
              ])}
            />
          </select>
        </FormField>
        <FormField label="Show">
          <select className={inputClass} value={status} onChange={(e) => (setStatus(e.target.value as StatusFilter), reset())}>
            <OptionList options={statusChoices} />
          </select>
        </FormField>
        <FormField label="Search">
          <input className={inputClass} type="search" value={search} onChange={(e) => (setSearch(e.target.value), reset())} />
        </FormField>
      </div>
      {diff.isPending ? (
        <Spinner />
      ) : diff.isError ? (
        <ErrorState error={diff.error} onRetry={() => diff.refetch()} />
      ) : (
        <DiffTable diff={diff.data} open={open} onToggle={(id) => setOpen(open === id ? null : id)} page={page} onPage={setPage} />
      )}
    </section>
  );
}

function DiffTable({
  diff,
  open,
  onToggle,
  page,
  onPage,
}: {
  diff: Schemas["DiffResponse"];
  open: string | null;
  onToggle: (id: string) => void;
  page: number;
  onPage: (page: number) => void;
}) {
  const rows = diff.entries.items;
  const pages = Math.max(1, Math.ceil(diff.entries.total / pageSize));
  return (
    <>
      <p className="text-sm text-muted" aria-live="polite">
        {diff.added.toLocaleString()} added · {diff.removed.toLocaleString()} removed · {diff.modified.toLocaleString()} modified ·{" "}
        {diff.unchanged.toLocaleString()} unchanged
        {diff.volatileFields.length > 0 && <> · ignored as volatile: {diff.volatileFields.join(", ")}</>}
      </p>
      {rows.length === 0 ? (
        <EmptyState title="No differences">Both sides hold the same entries{diff.volatileFields.length > 0 ? " (volatile fields aside)" : ""}.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-line">
          <table className="w-full text-sm" aria-label="Entries compared">
            <thead className="bg-raised text-left text-xs text-muted uppercase">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2">
                  Entry
                </th>
                <th scope="col" className="px-3 py-2">
                  Changed fields
                </th>
                <th scope="col" className="px-3 py-2">
                  Severity
                </th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const id = `${row.kind}\n${row.key}`;
                return (
                  <Fragment key={id}>
                    <tr className="border-t border-line align-top">
                      <td className="px-3 py-1.5">
                        <ChangeBadge change={row.status as "added" | "removed" | "modified" | "unchanged"} />
                      </td>
                      <td className="px-3 py-1.5">
                        <span className="font-medium break-all">{row.key}</span>
                        <code className="block text-xs text-muted">{row.kind}</code>
                      </td>
                      <td className="px-3 py-1.5 font-mono text-xs">{row.fields.map((f) => f.name).join(", ") || "—"}</td>
                      <td className="px-3 py-1.5">{row.severity ? <SeverityBadge severity={row.severity} /> : "—"}</td>
                      <td className="px-3 py-1.5 text-right">
                        <Button aria-expanded={open === id} onClick={() => onToggle(id)}>
                          {open === id ? "Hide" : "Compare"}
                        </Button>
                      </td>
                    </tr>
                    {open === id && (
                      <tr className="border-t border-line">
                        <td colSpan={5} className="p-3">
                          <FieldComparison before={row.before} after={row.after} changes={row.fields} volatile={diff.volatileFields} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav aria-label="Pages of entries" className="flex items-center justify-end gap-2 text-sm">
          <Button disabled={page <= 1} onClick={() => onPage(page - 1)}>
            Previous
          </Button>
          <span>
            Page {page} of {pages}
          </span>
          <Button disabled={page >= pages} onClick={() => onPage(page + 1)}>
            Next
          </Button>
        </nav>
      )}
    </>
  );
}
