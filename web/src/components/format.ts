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
