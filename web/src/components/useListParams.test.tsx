import { act, render, screen } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import { useListParams, type ListParams } from "./useListParams";

type Filter = "status" | "role";
const filterNames = ["status", "role"] as const;

/** Renders the hook's state and the URL's query string, and hands out the hook's latest result. */
function renderListParams(url: string, defaultSort?: string) {
  const latest: { current: ListParams<Filter> | null } = { current: null };
  function Probe() {
    const params = useListParams(filterNames, defaultSort);
    latest.current = params;
    const location = useLocation();
    return <span data-testid="search">{location.search}</span>;
  }
  render(
    <MemoryRouter initialEntries={[url]}>
      <Probe />
    </MemoryRouter>,
  );
  return {
    get params() {
      if (!latest.current) throw new Error("not rendered");
      return latest.current;
    },
    /** The current query string as a sorted list of pairs, to compare without caring about order. */
    search() {
      return [...new URLSearchParams(screen.getByTestId("search").textContent ?? "")].sort();
    },
  };
}

describe("useListParams", () => {
  it("reads page, page size, sort, search and filters from the URL", () => {
    const list = renderListParams("/users?page=3&pageSize=100&sort=-email&q=ada&status=active");

    expect(list.params.page).toBe(3);
    expect(list.params.pageSize).toBe(100);
    expect(list.params.sort).toBe("-email");
    expect(list.params.q).toBe("ada");
    expect(list.params.filters).toEqual({ status: "active", role: undefined });
    expect(list.params.query).toEqual({ page: 3, pageSize: 100, sort: "-email", q: "ada", status: "active" });
  });

  it("defaults to page 1 of 50 with the default sort and no search", () => {
    const list = renderListParams("/users", "name");

    expect(list.params.page).toBe(1);
    expect(list.params.pageSize).toBe(50);
    expect(list.params.sort).toBe("name");
    expect(list.params.q).toBe("");
    expect(list.params.filters).toEqual({ status: undefined, role: undefined });
  });

  it("lets the URL's sort win over the default", () => {
    expect(renderListParams("/users?sort=createdAt", "name").params.sort).toBe("createdAt");
  });

  it.each(["7", "0", "-25", "abc", "1000", ""])("clamps the page size %j to 50", (size) => {
    expect(renderListParams(`/users?pageSize=${size}`).params.pageSize).toBe(50);
  });

  it.each(["25", "50", "100", "200"])("accepts the page size %s", (size) => {
    expect(renderListParams(`/users?pageSize=${size}`).params.pageSize).toBe(Number(size));
  });

  it.each([
    ["0", 1],
    ["-4", 1],
    ["abc", 1],
    ["2.9", 2],
  ])("reads the page %j as %i", (page, expected) => {
    expect(renderListParams(`/users?page=${page}`).params.page).toBe(expected);
  });

  it("leaves unset values out of the API query", () => {
    const list = renderListParams("/users");
    expect(list.params.query).toEqual({ page: 1, pageSize: 50 });
    expect(Object.keys(list.params.query).sort()).toEqual(["page", "pageSize"]);
  });

  it("puts the default sort into the API query", () => {
    expect(renderListParams("/users", "-createdAt").params.query).toEqual({ page: 1, pageSize: 50, sort: "-createdAt" });
  });

  it("sets the search, trimmed, and goes back to page 1", () => {
    const list = renderListParams("/users?page=4&status=active");

    act(() => list.params.setSearch("  ada  "));

    expect(list.search()).toEqual([
      ["q", "ada"],
      ["status", "active"],
    ]);
    expect(list.params.page).toBe(1);
    expect(list.params.q).toBe("ada");
  });

  it("removes a blank search from the URL", () => {
    const list = renderListParams("/users?q=ada&page=2");
    act(() => list.params.setSearch("   "));
    expect(list.search()).toEqual([]);
    expect(list.params.query).toEqual({ page: 1, pageSize: 50 });
  });

  it("sets and clears a filter, going back to page 1", () => {
    const list = renderListParams("/users?page=2&q=ada");

    act(() => list.params.setFilter("role", "admin"));
    expect(list.search()).toEqual([
      ["q", "ada"],
      ["role", "admin"],
    ]);
    expect(list.params.filters).toEqual({ status: undefined, role: "admin" });
    expect(list.params.query).toEqual({ page: 1, pageSize: 50, q: "ada", role: "admin" });

    act(() => list.params.setFilter("role", undefined));
    expect(list.search()).toEqual([["q", "ada"]]);
    expect(list.params.filters.role).toBeUndefined();
  });

  it("sets the sort and goes back to page 1", () => {
    const list = renderListParams("/users?page=5&sort=name");
    act(() => list.params.setSort("-name"));
    expect(list.search()).toEqual([["sort", "-name"]]);
    expect(list.params.page).toBe(1);
  });

  it("sets the page size and goes back to page 1", () => {
    const list = renderListParams("/users?page=5");
    act(() => list.params.setPageSize(200));
    expect(list.search()).toEqual([["pageSize", "200"]]);
    expect(list.params.pageSize).toBe(200);
    expect(list.params.page).toBe(1);
  });

  it("changes the page and keeps everything else", () => {
    const list = renderListParams("/users?q=ada&sort=-email&pageSize=25&status=active");

    act(() => list.params.setPage(3));

    expect(list.search()).toEqual([
      ["page", "3"],
      ["pageSize", "25"],
      ["q", "ada"],
      ["sort", "-email"],
      ["status", "active"],
    ]);
    expect(list.params.query).toEqual({ page: 3, pageSize: 25, sort: "-email", q: "ada", status: "active" });
  });

  it("drops the page parameter for page 1", () => {
    const list = renderListParams("/users?page=3&q=ada");
    act(() => list.params.setPage(1));
    expect(list.search()).toEqual([["q", "ada"]]);
    expect(list.params.page).toBe(1);
  });
});
