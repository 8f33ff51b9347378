type Fields = Record<string, string | null> | null | undefined;

/**
 * Something before and after — a collected entry, an audited object — side by side, one row per
 * field: changed fields (by name) marked and first, fields absent on one side shown empty. Volatile
 * fields are listed as such when the caller has any.
 */
export function FieldComparison({
  before,
  after,
  changes,
  volatile = [],
}: {
  before: Fields;
  after: Fields;
  changes: { name: string }[];
  volatile?: string[];
}) {
  const changed = new Set(changes.map((c) => c.name));
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort((a, b) =>
    changed.has(a) === changed.has(b) ? a.localeCompare(b) : changed.has(a) ? -1 : 1,
  );
  if (names.length === 0) return <p className="text-sm text-muted">No fields.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-line">
      <table className="w-full table-fixed text-sm" aria-label="Before and after">
        <colgroup>
          <col className="w-40" />
          <col />
          <col />
        </colgroup>
        <thead className="bg-raised text-left text-xs text-muted uppercase">
          <tr>
            <th scope="col" className="px-3 py-2">
              Field
            </th>
            <th scope="col" className="px-3 py-2">
              {before === null || before === undefined ? "Before (absent)" : "Before"}
            </th>
            <th scope="col" className="px-3 py-2">
              {after === null || after === undefined ? "After (absent)" : "After"}
            </th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const isChanged = changed.has(name);
            return (
              <tr key={name} data-changed={isChanged} className={`border-t border-line align-top ${isChanged ? "bg-warn/10" : ""}`}>
                <th scope="row" className="px-3 py-1.5 text-left font-mono text-xs font-medium">
                  {name}
                  {isChanged && <span className="sr-only"> (changed)</span>}
                  {volatile.includes(name) && <span className="ml-1 text-muted">(volatile)</span>}
                </th>
                <td
                  className={`px-3 py-1.5 font-mono text-xs break-all whitespace-pre-wrap ${isChanged ? "text-danger line-through decoration-danger/40" : ""}`}
                >
                  {before?.[name] ?? ""}
                </td>
                <td className={`px-3 py-1.5 font-mono text-xs break-all whitespace-pre-wrap ${isChanged ? "font-semibold text-ok" : ""}`}>
                  {after?.[name] ?? ""}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
