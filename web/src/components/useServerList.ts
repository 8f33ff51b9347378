import { useQuery } from "@tanstack/react-query";
import type { PageOf } from "./csv";
import { useListParams, type ListParams } from "./useListParams";

/** A server-paged list as {@link DataTable} shows it: URL state, the current page, and any page on demand. */
export interface ServerList<T, F extends string> {
  params: ListParams<F>;
  page: PageOf<T> | undefined;
  isLoading: boolean;
  error: unknown;
  refetch: () => void;
  /** A page of the current filter and sort at any size (CSV export pages through these). */
  fetchPage: (page: number, pageSize: number) => Promise<PageOf<T>>;
}

/**
 * Reads the list's state from the URL and fetches the page it names. `queryKey` identifies the list
 * (invalidate it after a change); the URL state is appended to it. The previous page stays on screen
 * while the next loads.
 */
export function useServerList<T, F extends string = never>(
  queryKey: readonly unknown[],
  fetch: (query: ListParams<F>["query"]) => Promise<PageOf<T>>,
  filterNames: readonly F[] = [],
  defaultSort?: string,
): ServerList<T, F> {
  const params = useListParams(filterNames, defaultSort);
  const list = useQuery({ queryKey: [...queryKey, params.query], queryFn: () => fetch(params.query), placeholderData: (previous) => previous });
  return {
    params,
    page: list.data,
    isLoading: list.isPending,
    error: list.error,
    refetch: () => void list.refetch(),
    fetchPage: (page, pageSize) => fetch({ ...params.query, page, pageSize }),
  };
}
