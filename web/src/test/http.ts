/** A JSON response as the API sends it (problem details with `application/problem+json`). */
export function json(status: number, body: unknown, contentType = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });
}

/** The request a stubbed fetch received: the API client passes Request objects, its antiforgery fetch a relative URL. */
export function requestOf(input: RequestInfo | URL, init?: RequestInit): Request {
  return input instanceof Request ? input : new Request(new URL(String(input), globalThis.location.origin), init);
}

type FetchMock = { mockImplementation: (fn: typeof fetch) => unknown };

/** Answers one request of a fake API. */
export type Route = (request: Request) => Response | Promise<Response>;

/** A request the fake API answered: method, path, query and JSON body. */
export interface Served {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/**
 * Makes `fetchMock` a small API: the antiforgery endpoint and `routes` by `"METHOD /path"`, 404 for
 * anything else. Returns the requests made to it (the antiforgery fetch aside), in order.
 */
export function serveRoutes(fetchMock: FetchMock, routes: Record<string, Route>): Served[] {
  const served: Served[] = [];
  fetchMock.mockImplementation(async (input, init) => {
    const request = requestOf(input, init);
    const url = new URL(request.url);
    if (url.pathname === "/api/v1/auth/antiforgery") return json(200, { token: "t", headerName: "X-XSRF-TOKEN" });
    const text = await request.clone().text();
    served.push({ method: request.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined });
    const route = routes[`${request.method} ${url.pathname}`];
    return route ? route(request) : json(404, { title: "Not Found", status: 404 });
  });
  return served;
}

/**
 * Makes `fetchMock` a small API for one form: the antiforgery endpoint, `POST path` answered by
 * `answer` (its JSON bodies collected, in order, into the returned list), 404 for anything else.
 */
export function servePost(fetchMock: FetchMock, path: string, answer: () => Response): unknown[] {
  const posted: unknown[] = [];
  serveRoutes(fetchMock, {
    [`POST ${path}`]: async (request) => {
      posted.push(await request.json());
      return answer();
    },
  });
  return posted;
}
