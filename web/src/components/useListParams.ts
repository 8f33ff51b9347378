import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export interface ListParams<F extends string> {
  page: number;
  pageSize: number;
  sort: string | undefined;
  q: string;
  filters: Record<F, string | undefined>;
  setPage: (page: number) => void;
  setPageSize: (size: number) => void;
  setSort: (sort: string | undefined) => void;
  setSearch: (q: string) => void;
  setFilter: (name: F, value: string | undefined) => void;
  /** The query-string object for the API: page, pageSize, sort, q and set filters only. */
  query: { page: number; pageSize: number; sort?: string; q?: string } & Partial<Record<F, string>>;
}

export const pageSizes = [25, 50, 100, 200] as const;

/**
 * A list page's state (page, size, sort, search, filters) kept in the URL, so a filtered view can be
 * reloaded and shared. Changing anything but the page goes back to page 1.
 */
export function useListParams<F extends string = never>(filterNames: readonly F[] = [], defaultSort?: string): ListParams<F> {
  // The filter names are a constant list per page; their joined form keeps the memo honest.
  const filterKey = filterNames.join(",");
  const [params, setParams] = useSearchParams();

  const update = useCallback(
    (changes: Record<string, string | undefined>, keepPage = false) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === "") next.delete(key);
            else next.set(key, value);
          }
          if (!keepPage) next.delete("page");
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return useMemo(() => {
    const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
    const requestedSize = Number.parseInt(params.get("pageSize") ?? "", 10);
    const pageSize = (pageSizes as readonly number[]).includes(requestedSize) ? requestedSize : 50;
    const sort = params.get("sort") ?? defaultSort;
    const q = params.get("q") ?? "";
    const filters = Object.fromEntries((filterKey ? filterKey.split(",") : []).map((name) => [name, params.get(name) ?? undefined])) as Record<
      F,
      string | undefined
    >;
    const query = {
      page,
      pageSize,
      ...(sort ? { sort } : {}),
      ...(q ? { q } : {}),
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
    } as ListParams<F>["query"];
    return {
      page,
      pageSize,
      sort,
      q,
      filters,
      query,
      setPage: (p: number) => update({ page: p > 1 ? String(p) : undefined }, true),
      setPageSize: (size: number) => update({ pageSize: String(size) }),
      setSort: (s: string | undefined) => update({ sort: s }),
      setSearch: (text: string) => update({ q: text.trim() || undefined }),
      setFilter: (name: F, value: string | undefined) => update({ [name]: value }),
    };
  }, [params, update, defaultSort, filterKey]);
}
