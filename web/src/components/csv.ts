export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (leading =, +, -, @, tab or CR)
 * get a leading apostrophe, so exported data cannot execute in the reader's spreadsheet.
 */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => cell(c.header)), ...rows.map((row) => columns.map((c) => cell(c.value(row))))];
  return lines.map((line) => line.join(",")).join("\r\n") + "\r\n";
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface PageOf<T> {
  items: T[];
  total: number;
  /** The list stopped counting at `total` (a broad search over millions): there are at least that many. */
  totalIsAtLeast?: boolean;
}

/** Largest export the console assembles in the browser; larger sets need a narrower filter. */
export const maxExportRows = 10_000;

/**
 * Fetches every page of the current filter (200 at a time), reporting progress, up to
 * {@link maxExportRows}; `available` is how many rows the filter has on the server.
 */
export async function fetchAllPages<T>(
  fetchPage: (page: number, pageSize: number) => Promise<PageOf<T>>,
  onProgress: (done: number, total: number) => void,
): Promise<{ rows: T[]; available: number }> {
  const rows: T[] = [];
  for (let page = 1; ; page++) {
    const result = await fetchPage(page, 200);
    rows.push(...result.items);
    const total = Math.min(result.total, maxExportRows);
    onProgress(Math.min(rows.length, total), total);
    if (result.items.length === 0 || rows.length >= total) return { rows: rows.slice(0, maxExportRows), available: result.total };
  }
}

export function downloadText(filename: string, text: string, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob(["\uFEFF", text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
