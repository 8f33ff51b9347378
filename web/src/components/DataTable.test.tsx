import type { ColumnDef } from "@tanstack/react-table";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiProblem } from "../api/problems";
import type { CsvColumn, PageOf } from "./csv";
import { DataTable, type DataTableProps } from "./DataTable";
import { ToastProvider } from "./Toasts";
import { useListParams } from "./useListParams";
import type { ServerList } from "./useServerList";

interface User {
  id: string;
  name: string;
  email: string;
}

const ada: User = { id: "1", name: "Ada", email: "ada@example.com" };
const grace: User = { id: "2", name: "Grace, Hopper", email: "=grace@example.com" };

const columns: ColumnDef<User, unknown>[] = [
  { id: "name", header: "Name", meta: { sortKey: "name" }, cell: ({ row }) => row.original.name },
  { id: "email", header: "Email", cell: ({ row }) => row.original.email },
];

/** What a page's list hook would give the table, plus the table's own optional props. */
interface Props extends Pick<DataTableProps<User, "status">, "searchLabel" | "filters"> {
  page: PageOf<User> | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
  csv?: { filename: string; columns: CsvColumn<User>[]; fetchPage: (page: number, pageSize: number) => Promise<PageOf<User>> };
}

function Table({ page, isLoading, error, onRetry, csv, ...rest }: Props) {
  const params = useListParams(["status"] as const);
  const list: ServerList<User, "status"> = {
    params,
    page,
    isLoading,
    error,
    refetch: onRetry,
    fetchPage: csv?.fetchPage ?? (() => Promise.reject(new Error("no export in this test"))),
  };
  return (
    <DataTable<User, "status">
      label="Users"
      columns={columns}
      list={list}
      getRowId={(u) => u.id}
      searchLabel="Search users"
      empty={{ title: "No users yet", body: "Invite someone to get started." }}
      csv={csv && { filename: csv.filename, columns: csv.columns }}
      {...rest}
    />
  );
}

function Search() {
  return <span data-testid="search">{useLocation().search}</span>;
}

function renderTable(props: Partial<Props> = {}, url = "/users") {
  const all: Props = { page: { items: [ada, grace], total: 2 }, isLoading: false, error: null, onRetry: () => {}, ...props };
  render(
    <MemoryRouter initialEntries={[url]}>
      <ToastProvider>
        <Table {...all} />
        <Search />
      </ToastProvider>
    </MemoryRouter>,
  );
  return { user: userEvent.setup() };
}

const table = () => screen.getByRole("table", { name: "Users" });
const bodyRows = () => within(table()).getAllByRole("row").slice(1);
const urlParams = () => new URLSearchParams(screen.getByTestId("search").textContent ?? "");

describe("DataTable", () => {
  it("shows a row per item with its cells", () => {
    renderTable();

    const rows = bodyRows();
    expect(rows).toHaveLength(2);
    expect(
      within(rows[0]!)
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["Ada", "ada@example.com"]);
    expect(
      within(rows[1]!)
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["Grace, Hopper", "=grace@example.com"]);
  });

  it("moves back to the last page when the current one no longer exists", async () => {
    renderTable({ page: { items: [], total: 50 } }, "/users?page=3&pageSize=25&q=a");

    await waitFor(() => expect(urlParams().get("page")).toBe("2"));
    expect(urlParams().get("q")).toBe("a");
  });

  it("stays on an empty first page", () => {
    renderTable({ page: { items: [], total: 0 } }, "/users");

    expect(urlParams().get("page")).toBeNull();
    expect(screen.getByText("No users yet")).toBeInTheDocument();
  });

  it("shows the range, the total and the page count", () => {
    renderTable();
    expect(screen.getByText("1–2 of 2")).toBeInTheDocument();
    expect(screen.getByText("Page 1 of 1")).toBeInTheDocument();
  });

  it("says 'at least' for a total the server stopped counting", () => {
    renderTable({ page: { items: [ada, grace], total: 10_000, totalIsAtLeast: true } }, "/users?pageSize=25");
    expect(screen.getByText("1–25 of 10,000+")).toBeInTheDocument();
  });

  it("shows a skeleton and a loading status while loading", () => {
    renderTable({ page: undefined, isLoading: true });

    expect(screen.getByRole("status")).toHaveTextContent("Loading users…");
    expect(screen.queryByText("Ada")).not.toBeInTheDocument();
    // Five placeholder rows, hidden from assistive technology.
    expect(table().querySelectorAll("tbody tr[aria-hidden='true']")).toHaveLength(5);
    expect(screen.queryByText("No users yet")).not.toBeInTheDocument();
    expect(screen.getByText("No results")).toBeInTheDocument();
  });

  it("shows the empty state for an empty list", () => {
    renderTable({ page: { items: [], total: 0 } });

    expect(screen.getByText("No users yet")).toBeInTheDocument();
    expect(screen.getByText("Invite someone to get started.")).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(0);
  });

  it("says nothing matches when a search found nothing", () => {
    renderTable({ page: { items: [], total: 0 } }, "/users?q=zed");

    expect(screen.getByText("Nothing matches these filters")).toBeInTheDocument();
    expect(screen.getByText("Change the search or filters to see more.")).toBeInTheDocument();
    expect(screen.queryByText("No users yet")).not.toBeInTheDocument();
    expect(screen.getByRole("searchbox", { name: "Search users" })).toHaveValue("zed");
  });

  it("says nothing matches when a filter found nothing", () => {
    renderTable({ page: { items: [], total: 0 } }, "/users?status=revoked");
    expect(screen.getByText("Nothing matches these filters")).toBeInTheDocument();
  });

  it("shows an API problem's message and retries on request", async () => {
    const onRetry = vi.fn();
    const { user } = renderTable({
      page: undefined,
      error: new ApiProblem(503, "Service Unavailable", "The database is not reachable."),
      onRetry,
    });

    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("This could not be loaded.");
    expect(alert).toHaveTextContent("The database is not reachable.");
    expect(bodyRows()).toHaveLength(0);

    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it("hides stale rows while showing an error", () => {
    renderTable({ error: new TypeError("Failed to fetch") });
    expect(screen.getByRole("alert")).toHaveTextContent("The server cannot be reached.");
    expect(screen.queryByText("Ada")).not.toBeInTheDocument();
  });

  it("sorts by a sortable column ascending, then descending, then ascending again", async () => {
    const { user } = renderTable();
    const nameHeader = screen.getByRole("columnheader", { name: "Name" });
    expect(nameHeader).not.toHaveAttribute("aria-sort");

    await user.click(within(nameHeader).getByRole("button", { name: "Name" }));
    expect(urlParams().get("sort")).toBe("name");
    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");

    await user.click(screen.getByRole("button", { name: "Name" }));
    expect(urlParams().get("sort")).toBe("-name");
    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");

    await user.click(screen.getByRole("button", { name: "Name" }));
    expect(urlParams().get("sort")).toBe("name");
    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
  });

  it("shows the sort from the URL and goes back to page 1 when sorting", async () => {
    const { user } = renderTable({ page: { items: [ada], total: 120 } }, "/users?sort=-name&page=2");
    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");

    await user.click(screen.getByRole("button", { name: "Name" }));
    expect(urlParams().get("sort")).toBe("name");
    expect(urlParams().get("page")).toBeNull();
  });

  it("offers no sorting on a column without a sort key", () => {
    renderTable();
    const emailHeader = screen.getByRole("columnheader", { name: "Email" });
    expect(emailHeader).not.toHaveAttribute("aria-sort");
    expect(within(emailHeader).queryByRole("button")).not.toBeInTheDocument();
  });

  it("disables Previous on the first page and Next on the last", async () => {
    const { user } = renderTable({ page: { items: [ada, grace], total: 120 } });
    const previous = () => screen.getByRole("button", { name: "Previous" });
    const next = () => screen.getByRole("button", { name: "Next" });

    expect(screen.getByText("1–50 of 120")).toBeInTheDocument();
    expect(screen.getByText("Page 1 of 3")).toBeInTheDocument();
    expect(previous()).toBeDisabled();
    expect(next()).toBeEnabled();

    await user.click(next());
    expect(urlParams().get("page")).toBe("2");
    expect(screen.getByText("51–100 of 120")).toBeInTheDocument();
    expect(previous()).toBeEnabled();
    expect(next()).toBeEnabled();

    await user.click(next());
    expect(screen.getByText("101–120 of 120")).toBeInTheDocument();
    expect(screen.getByText("Page 3 of 3")).toBeInTheDocument();
    expect(next()).toBeDisabled();

    await user.click(previous());
    expect(urlParams().get("page")).toBe("2");
  });

  it("disables both page buttons when everything fits on one page", () => {
    renderTable();
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Next" })).toBeDisabled();
  });

  it("changes the page size and goes back to page 1", async () => {
    const { user } = renderTable({ page: { items: [ada], total: 120 } }, "/users?page=2");
    await user.selectOptions(screen.getByRole("combobox", { name: "Rows per page" }), "25");
    expect(urlParams().get("pageSize")).toBe("25");
    expect(urlParams().get("page")).toBeNull();
    expect(screen.getByText("Page 1 of 5")).toBeInTheDocument();
  });

  it("searches at once on Enter", async () => {
    const { user } = renderTable();
    await user.type(screen.getByRole("searchbox", { name: "Search users" }), "  grace {Enter}");
    expect(urlParams().get("q")).toBe("grace");
  });

  describe("CSV export", () => {
    let createObjectURL: ReturnType<typeof vi.fn<(blob: Blob) => string>>;
    let downloads: { href: string; download: string }[];

    beforeEach(() => {
      // jsdom has no object URLs; downloadText needs both.
      createObjectURL = vi.fn<(blob: Blob) => string>(() => "blob:http://localhost/users");
      Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
      downloads = [];
      vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
        downloads.push({ href: this.href, download: this.download });
      });
    });

    afterEach(() => vi.restoreAllMocks());

    const csv = (fetchPage: (page: number, pageSize: number) => Promise<PageOf<User>>) => ({
      filename: "users.csv",
      columns: [
        { header: "Name", value: (u: User) => u.name },
        { header: "Email", value: (u: User) => u.email },
      ],
      fetchPage,
    });

    it("fetches every page and downloads them as CSV", async () => {
      const fetchPage = vi.fn(async () => ({ items: [ada, grace], total: 2 }));
      const { user } = renderTable({ csv: csv(fetchPage) });

      await user.click(screen.getByRole("button", { name: "Export CSV" }));

      expect(await screen.findByText("Exported 2 rows to users.csv.")).toBeInTheDocument();
      expect(fetchPage).toHaveBeenCalledExactlyOnceWith(1, 200);
      expect(downloads).toEqual([{ href: "blob:http://localhost/users", download: "users.csv" }]);
      expect(createObjectURL).toHaveBeenCalledTimes(1);
      const text = await createObjectURL.mock.calls[0]![0].text();
      expect(text).toContain('Name,Email\r\nAda,ada@example.com\r\n"Grace, Hopper",\'=grace@example.com\r\n');
      expect(screen.getByRole("button", { name: "Export CSV" })).toBeEnabled();
    });

    it("says so when the export is cut at the console's limit", async () => {
      const fetchPage = vi.fn(async (page: number, pageSize: number) => ({
        items: Array.from({ length: pageSize }, (_, i) => ({ ...ada, id: `${page}-${i}` })),
        total: 12_345,
      }));
      const { user } = renderTable({ csv: csv(fetchPage) });

      await user.click(screen.getByRole("button", { name: "Export CSV" }));

      expect(
        await screen.findByText(
          "Exported the first 10,000 of 12,345 rows to users.csv, the most the console exports at once. Narrow the filters for the rest.",
          {},
          { timeout: 5000 },
        ),
      ).toBeInTheDocument();
      expect(fetchPage).toHaveBeenCalledTimes(50);
      expect(downloads).toHaveLength(1);
    });

    it("reports a failed export and downloads nothing", async () => {
      const fetchPage = vi.fn(async () => {
        throw new ApiProblem(403, "Forbidden", "You cannot export users.");
      });
      const { user } = renderTable({ csv: csv(fetchPage) });

      await user.click(screen.getByRole("button", { name: "Export CSV" }));

      expect(await screen.findByRole("alert")).toHaveTextContent("Export failed: You cannot export users.");
      expect(downloads).toEqual([]);
      expect(createObjectURL).not.toHaveBeenCalled();
      expect(screen.getByRole("button", { name: "Export CSV" })).toBeEnabled();
    });
  });
});
