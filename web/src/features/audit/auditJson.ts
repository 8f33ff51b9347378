/**
 * An audited object (the before/after JSON of a record) as flat fields for a side-by-side
 * comparison: nested objects become dotted names (`settings.timeZone`), arrays and other values
 * their JSON text. Text that is not a JSON object shows as one field, `value`. Null or empty: null.
 */
export function flattenAudited(json: string | null | undefined): Record<string, string | null> | null {
  if (!json) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { value: json };
  }
  if (!isObject(parsed)) return { value: json };
  const fields: Record<string, string | null> = {};
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [key, item] of Object.entries(value)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (isObject(item) && Object.keys(item).length > 0) walk(item, name);
      else fields[name] = item === null ? null : typeof item === "string" ? item : JSON.stringify(item);
    }
  };
  walk(parsed, "");
  return fields;
}

/** The names whose values differ between two flattened objects. */
export function changedNames(before: Record<string, string | null> | null, after: Record<string, string | null> | null): { name: string }[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names].filter((name) => (before?.[name] ?? null) !== (after?.[name] ?? null)).map((name) => ({ name }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
