/** A JSON response as the API sends it (problem details with `application/problem+json`). */
export function json(status: number, body: unknown, contentType = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });
}

/** The request a stubbed fetch received: the API client passes Request objects, its antiforgery fetch a relative URL. */
export function requestOf(input: RequestInfo | URL, init?: RequestInit): Request {
  return input instanceof Request ? input : new Request(new URL(String(input), globalThis.location.origin), init);
}
