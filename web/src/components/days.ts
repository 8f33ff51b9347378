/**
 * A list's day filters (`from`, `to`) as the API's instants: the URL holds the reader's local days,
 * the API takes UTC instants with `to` exclusive, so `to` becomes the end of its day. A value that is
 * not a valid YYYY-MM-DD day (an edited URL) is left out.
 */
export function localDayRange(from: string | undefined, to: string | undefined): { from: string | undefined; to: string | undefined } {
  return { from: localMidnight(from, 0), to: localMidnight(to, 1) };
}

/** The local midnight `daysLater` after the day starts: 23 or 25 hours later when the clocks change, not always 24. */
function localMidnight(day: string | undefined, daysLater: number): string | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const midnight = new Date(`${day}T00:00:00`);
  if (Number.isNaN(midnight.getTime())) return undefined;
  midnight.setDate(midnight.getDate() + daysLater);
  return midnight.toISOString();
}
