/** Dates as the reader's locale shows them; empty cells for missing values. */
export function formatDate(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
}

const durationUnits: readonly [string, number][] = [
  ["d", 86_400],
  ["h", 3_600],
  ["min", 60],
  ["s", 1],
];

/** A length of time in its largest unit and the next one, e.g. "3 d 4 h", "12 min", "45 s". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const index = durationUnits.findIndex(([, size]) => seconds >= size);
  if (index < 0) return "0 s";
  const [unit, size] = durationUnits[index]!;
  const next = durationUnits[index + 1];
  const minor = next ? Math.floor((seconds % size) / next[1]) : 0;
  return next && minor > 0 ? `${Math.floor(seconds / size)} ${unit} ${minor} ${next[0]}` : `${Math.floor(seconds / size)} ${unit}`;
}

/** A size in bytes in the largest binary unit that keeps it at 1 or more, e.g. "1.2 MiB", "512 B". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
