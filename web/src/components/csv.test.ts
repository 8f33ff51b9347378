import { afterEach, describe, expect, it, vi } from "vitest";
import { downloadText, fetchAllPages, maxExportRows, toCsv, type CsvColumn, type PageOf } from "./csv";

interface Row {
  name: string | null | undefined;
  count?: number;
  active?: boolean;
}

const nameOnly: CsvColumn<Row>[] = [{ header: "Name", value: (r) => r.name }];

function csvOf(...names: (string | null | undefined)[]) {
  return toCsv(
    names.map((name) => ({ name })),
    nameOnly,
  );
}

describe("toCsv", () => {
  it("writes a header line and one line per row, each ending in CRLF", () => {
    const columns: CsvColumn<Row>[] = [
      { header: "Name", value: (r) => r.name },
      { header: "Count", value: (r) => r.count },
      { header: "Active", value: (r) => r.active },
    ];
    const csv = toCsv<Row>(
      [
        { name: "Ada", count: 3, active: true },
        { name: "Grace", count: 0, active: false },
      ],
      columns,
    );
    expect(csv).toBe("Name,Count,Active\r\nAda,3,true\r\nGrace,0,false\r\n");
  });

  it("writes only the header for no rows", () => {
    expect(toCsv([], nameOnly)).toBe("Name\r\n");
  });

  it("quotes cells with commas, quotes, CR or LF and doubles inner quotes", () => {
    expect(csvOf("Smith, Ada")).toBe('Name\r\n"Smith, Ada"\r\n');
    expect(csvOf('Ada "the Countess"')).toBe('Name\r\n"Ada ""the Countess"""\r\n');
    expect(csvOf("line one\nline two")).toBe('Name\r\n"line one\nline two"\r\n');
    expect(csvOf("a\r\nb")).toBe('Name\r\n"a\r\nb"\r\n');
  });

  it("quotes the header too when it needs it", () => {
    expect(toCsv([], [{ header: 'Name, "full"', value: () => "" }])).toBe('"Name, ""full"""\r\n');
  });

  it("writes null and undefined as empty cells", () => {
    const columns: CsvColumn<Row>[] = [
      { header: "A", value: () => null },
      { header: "B", value: () => undefined },
      { header: "C", value: () => "x" },
    ];
    expect(toCsv([{ name: "" }], columns)).toBe("A,B,C\r\n,,x\r\n");
  });

  it.each([
    ["=SUM(A1:A9)", "'=SUM(A1:A9)"],
    ["+1-555-0100", "'+1-555-0100"],
    ["-2+3", "'-2+3"],
    ["@cmd", "'@cmd"],
    ["\tpadded", "'\tpadded"],
  ])("prefixes the formula-like cell %j with an apostrophe", (value, expected) => {
    expect(csvOf(value)).toBe(`Name\r\n${expected}\r\n`);
  });

  it("prefixes a cell starting with CR and then quotes it", () => {
    expect(csvOf("\r=1+1")).toBe('Name\r\n"\'\r=1+1"\r\n');
  });

  it("guards and quotes a formula that also contains a comma", () => {
    expect(csvOf('=HYPERLINK("http://evil","x")')).toBe('Name\r\n"\'=HYPERLINK(""http://evil"",""x"")"\r\n');
  });

  it("guards negative numbers, which start with a minus sign", () => {
    expect(toCsv([{ name: "x", count: -5 }], [{ header: "Count", value: (r: Row) => r.count }])).toBe("Count\r\n'-5\r\n");
  });

  it("leaves formula characters alone when they are not at the start", () => {
    expect(csvOf("a=b+c-d@e")).toBe("Name\r\na=b+c-d@e\r\n");
  });
});

describe("fetchAllPages", () => {
  /** A server of `total` numbered rows that answers pages the way the API does. */
  function server(total: number, options: { stopAfterPage?: number } = {}) {
    return vi.fn(async (page: number, pageSize: number): Promise<PageOf<number>> => {
      if (options.stopAfterPage !== undefined && page > options.stopAfterPage) return { items: [], total };
      const start = (page - 1) * pageSize;
      const count = Math.max(0, Math.min(pageSize, total - start));
      return { items: Array.from({ length: count }, (_, i) => start + i + 1), total };
    });
  }

  it("fetches 200 rows a page until the total is reached and reports progress", async () => {
    const fetchPage = server(450);
    const progress = vi.fn();

    const { rows, available } = await fetchAllPages(fetchPage, progress);

    expect(available).toBe(450);
    expect(rows).toHaveLength(450);
    expect(rows[0]).toBe(1);
    expect(rows[449]).toBe(450);
    expect(fetchPage.mock.calls).toEqual([
      [1, 200],
      [2, 200],
      [3, 200],
    ]);
    expect(progress.mock.calls).toEqual([
      [200, 450],
      [400, 450],
      [450, 450],
    ]);
  });

  it("makes one call when everything fits on the first page", async () => {
    const fetchPage = server(3);
    const progress = vi.fn();

    expect(await fetchAllPages(fetchPage, progress)).toEqual({ rows: [1, 2, 3], available: 3 });
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(progress).toHaveBeenCalledExactlyOnceWith(3, 3);
  });

  it("returns nothing after one call for an empty result", async () => {
    const fetchPage = server(0);
    const progress = vi.fn();

    expect(await fetchAllPages(fetchPage, progress)).toEqual({ rows: [], available: 0 });
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(progress).toHaveBeenCalledExactlyOnceWith(0, 0);
  });

  it(`stops at ${maxExportRows} rows however large the total is`, async () => {
    const fetchPage = server(50_000);
    const progress = vi.fn();

    const { rows, available } = await fetchAllPages(fetchPage, progress);

    expect(available).toBe(50_000);
    expect(maxExportRows).toBe(10_000);
    expect(rows).toHaveLength(10_000);
    expect(rows.at(-1)).toBe(10_000);
    expect(fetchPage).toHaveBeenCalledTimes(50);
    expect(progress).toHaveBeenLastCalledWith(10_000, 10_000);
    expect(progress.mock.calls.every(([, total]) => total === 10_000)).toBe(true);
  });

  it("stops on an empty page even when the total promised more", async () => {
    const serve = server(1_000, { stopAfterPage: 1 });
    const fetchPage = vi.fn(async (page: number, pageSize: number) => {
      if (page > 2) throw new Error(`asked for page ${page} after an empty page`);
      return serve(page, pageSize);
    });
    const progress = vi.fn();

    const { rows } = await fetchAllPages(fetchPage, progress);

    expect(rows).toHaveLength(200);
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(progress.mock.calls).toEqual([
      [200, 1_000],
      [200, 1_000],
    ]);
  });

  it("passes a failing page on to the caller", async () => {
    const fetchPage = vi
      .fn()
      .mockResolvedValueOnce({ items: [1], total: 400 })
      .mockRejectedValueOnce(new Error("boom"));
    await expect(fetchAllPages(fetchPage, () => {})).rejects.toThrow("boom");
  });
});

describe("downloadText", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it("downloads the text with a byte-order mark through a temporary link and revokes the URL later", async () => {
    vi.useFakeTimers();
    const createObjectURL = vi.fn((_blob: Blob) => "blob:http://localhost/export");
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: { href: string; download: string; attached: boolean }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, attached: this.isConnected });
    });

    downloadText("users.csv", "Name\r\nAda\r\n");

    expect(clicked).toEqual([{ href: "blob:http://localhost/export", download: "users.csv", attached: true }]);
    expect(document.querySelector("a")).toBeNull();
    const blob = createObjectURL.mock.calls[0]![0];
    expect(blob.type).toBe("text/csv;charset=utf-8");
    expect([...new Uint8Array(await blob.arrayBuffer())].slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
    expect(await blob.text()).toContain("Name\r\nAda\r\n");

    expect(revokeObjectURL).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(revokeObjectURL).toHaveBeenCalledExactlyOnceWith("blob:http://localhost/export");
  });
});
