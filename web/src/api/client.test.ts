import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// openapi-fetch keeps the `fetch` it finds when the client is created, so stub it before importing.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

import { api, forgetAntiforgeryToken, onSessionEnded } from "./client";
import { json } from "../test/http";

/** The requests made, as "METHOD /path" with the antiforgery header they carried. */
let calls: { call: string; token: string | null }[];

function serve(answer: (method: string, path: string) => Response) {
  fetchMock.mockImplementation(async (input, init) => {
    // The client passes Request objects; its antiforgery fetch passes a relative URL string.
    const request = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const path = new URL(request.url).pathname;
    calls.push({ call: `${request.method} ${path}`, token: request.headers.get("X-XSRF-TOKEN") });
    if (path === "/api/v1/auth/antiforgery") return json(200, { token: `token-${calls.length}`, headerName: "X-XSRF-TOKEN" });
    return answer(request.method, path);
  });
}

describe("api client session handling", () => {
  let ended: ReturnType<typeof vi.fn<() => void>>;
  let stop: () => void;

  beforeEach(() => {
    calls = [];
    fetchMock.mockReset();
    forgetAntiforgeryToken();
    ended = vi.fn<() => void>();
    stop = onSessionEnded(ended);
  });
  afterEach(() => stop());

  it("sends the antiforgery token on writes, fetched once, and none on reads", async () => {
    serve(() => json(200, {}));

    await api.GET("/api/v1/auth/me");
    await api.POST("/api/v1/auth/sign-out");
    await api.POST("/api/v1/auth/sign-out");

    expect(calls).toEqual([
      { call: "GET /api/v1/auth/me", token: null },
      { call: "GET /api/v1/auth/antiforgery", token: null },
      { call: "POST /api/v1/auth/sign-out", token: "token-2" },
      { call: "POST /api/v1/auth/sign-out", token: "token-2" },
    ]);
    expect(ended).not.toHaveBeenCalled();
  });

  it("ends the session on a 401 outside /auth, and not on a refused sign-in", async () => {
    serve(() => json(401, { title: "Unauthorized" }));

    await api.GET("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: "t" } } });
    expect(ended).toHaveBeenCalledTimes(1);

    await api.POST("/api/v1/auth/sign-in", { body: { email: "a@b.c", password: "x" } });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it("never replays a write the server refused for its antiforgery token, and ends the session", async () => {
    serve((method) => (method === "DELETE" ? json(400, { title: "Antiforgery token missing or invalid." }) : json(200, {})));

    const result = await api.DELETE("/api/v1/tenants/{tenantId}", { params: { path: { tenantId: "t" } } });

    expect(result.response.status).toBe(400);
    expect(calls.filter((c) => c.call.startsWith("DELETE"))).toHaveLength(1);
    expect(ended).toHaveBeenCalledTimes(1);

    // The next write fetches a new token instead of reusing the refused one.
    await api.POST("/api/v1/auth/sign-out");
    expect(calls.filter((c) => c.call === "GET /api/v1/auth/antiforgery")).toHaveLength(2);
  });

  it("does not end the session for an ordinary validation problem", async () => {
    serve(() => json(400, { title: "The request has invalid fields.", errors: { name: ["is required."] } }));

    await api.POST("/api/v1/msps", { body: { name: "" } });

    expect(ended).not.toHaveBeenCalled();
  });
});
