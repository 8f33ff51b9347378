/** A JSON response as the API sends it (problem details with `application/problem+json`). */
export function json(status: number, body: unknown, contentType = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });
}

/** The request a stubbed fetch received: the API client passes Request objects, its antiforgery fetch a relative URL. */
export function requestOf(input: RequestInfo | URL, init?: RequestInit): Request {
  return input instanceof Request ? input : new Request(new URL(String(input), globalThis.location.origin), init);
}

/**
 * Makes `fetchMock` a small API for one form: the antiforgery endpoint, `POST path` answered by
 * `answer` (its JSON bodies collected, in order, into the returned list), 404 for anything else.
 */
export function servePost(fetchMock: { mockImplementation: (fn: typeof fetch) => unknown }, path: string, answer: () => Response): unknown[] {
  const posted: unknown[] = [];
  fetchMock.mockImplementation(async (input, init) => {
    const request = requestOf(input, init);
    const requested = new URL(request.url).pathname;
    if (requested === "/api/v1/auth/antiforgery") return json(200, { token: "t", headerName: "X-XSRF-TOKEN" });
    if (request.method === "POST" && requested === path) {
      posted.push(await request.json());
      return answer();
    }
    return json(404, { title: "Not Found", status: 404 });
  });
  return posted;
}
