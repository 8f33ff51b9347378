import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider, useParams } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken } from "../../api/client";
import { SignInPage } from "./SignInPage";
import type { Me } from "./session";
import { json, requestOf } from "../../test/http";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import), so the stub
// must be in place before the imports above run.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const signedInUser: Me = {
  id: "00000000-0000-0000-0000-000000000001",
  email: "ada@example.com",
  displayName: "Ada",
  twoFactorEnabled: true,
  isPlatformAdmin: false,
  memberships: [
    { membershipId: "m1", tenantId: "customer-1", tenantName: "Customer", tenantKind: "customer", role: "viewer", customerScope: "allCustomers" },
    { membershipId: "m2", tenantId: "msp-1", tenantName: "MSP", tenantKind: "msp", role: "admin", customerScope: "allCustomers" },
  ],
};

type Handler = (request: Request) => Response | Promise<Response>;

/** The requests the page made, in order, with a copy of each body. */
let requests: { method: string; path: string; headers: Headers; body: unknown }[];

/** Answers fetch by "METHOD /path"; the API's defaults are a signed-out session and a working antiforgery endpoint. */
function serve(routes: Record<string, Handler> = {}) {
  const all: Record<string, Handler> = {
    "GET /api/v1/auth/me": () => json(401, { title: "Unauthorized", status: 401 }, "application/problem+json"),
    "GET /api/v1/auth/antiforgery": () => json(200, { token: "t", headerName: "X-XSRF-TOKEN" }),
    ...routes,
  };
  fetchMock.mockImplementation(async (input, init) => {
    // openapi-fetch passes a Request; the antiforgery fetch passes a relative URL and options.
    const request = requestOf(input, init);
    const path = new URL(request.url).pathname;
    const text = await request.clone().text();
    requests.push({ method: request.method, path, headers: request.headers, body: text ? JSON.parse(text) : undefined });
    const handler = all[`${request.method} ${path}`];
    return handler ? handler(request) : json(404, { title: "Not Found", status: 404 });
  });
}

function TenantHome() {
  return <p>Home of tenant {useParams().tenantId}</p>;
}

function renderSignIn(url: string) {
  const router = createMemoryRouter(
    [
      { path: "/sign-in", element: <SignInPage /> },
      { path: "/t/x/users", element: <p>Users of tenant x</p> },
      { path: "/t/:tenantId", element: <TenantHome /> },
    ],
    { initialEntries: [url] },
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, queryClient, user: userEvent.setup() };
}

async function enterPassword(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText("Email"), "ada@example.com");
  await user.type(screen.getByLabelText("Password"), "correct horse");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

const posts = () => requests.filter((r) => r.method === "POST");

describe("SignInPage", () => {
  beforeEach(() => {
    requests = [];
    fetchMock.mockReset();
    forgetAntiforgeryToken();
  });

  it("checks for an existing session and shows the sign-in form", async () => {
    serve();
    renderSignIn("/sign-in");

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("type", "email");
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/v1/auth/me"]);
  });

  it("shows the schema's messages for empty fields without calling the API", async () => {
    serve();
    const { user } = renderSignIn("/sign-in");

    await user.click(await screen.findByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Enter your email address.")).toBeInTheDocument();
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
    expect(posts()).toEqual([]);
    expect(requests.some((r) => r.path === "/api/v1/auth/antiforgery")).toBe(false);
  });

  it("shows the detail of a refused sign-in", async () => {
    serve({
      "POST /api/v1/auth/sign-in": () =>
        json(401, { title: "Unauthorized", status: 401, detail: "Email or password is incorrect." }, "application/problem+json"),
    });
    const { user, router } = renderSignIn("/sign-in");

    await enterPassword(user);

    expect(await screen.findByRole("alert")).toHaveTextContent("Email or password is incorrect.");
    expect(router.state.location.pathname).toBe("/sign-in");
    expect(posts()).toEqual([expect.objectContaining({ path: "/api/v1/auth/sign-in", body: { email: "ada@example.com", password: "correct horse" } })]);
  });

  it("asks for the authenticator code, then goes to the return path", async () => {
    serve({
      "POST /api/v1/auth/sign-in": () => json(200, { status: "two-factor-required", user: null }),
      "POST /api/v1/auth/sign-in/two-factor": () => json(200, { status: "signed-in", user: signedInUser }),
    });
    const { user, router, queryClient } = renderSignIn("/sign-in?returnTo=%2Ft%2Fx%2Fusers");

    await enterPassword(user);

    expect(await screen.findByRole("heading", { name: "Two-step verification" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("Authentication code"), "123456");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    expect(await screen.findByText("Users of tenant x")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/t/x/users");
    expect(queryClient.getQueryData(["me"])).toEqual(signedInUser);

    expect(posts().map((r) => ({ path: r.path, body: r.body, token: r.headers.get("X-XSRF-TOKEN") }))).toEqual([
      { path: "/api/v1/auth/sign-in", body: { email: "ada@example.com", password: "correct horse" }, token: "t" },
      { path: "/api/v1/auth/sign-in/two-factor", body: { code: "123456" }, token: "t" },
    ]);
  });

  it("sends a recovery code instead when the user switches to one", async () => {
    serve({
      "POST /api/v1/auth/sign-in": () => json(200, { status: "two-factor-required", user: null }),
      "POST /api/v1/auth/sign-in/two-factor": () => json(200, { status: "signed-in", user: signedInUser }),
    });
    const { user } = renderSignIn("/sign-in");

    await enterPassword(user);
    await user.click(await screen.findByRole("button", { name: "Use a recovery code" }));
    await user.type(screen.getByLabelText("Recovery code"), "abcd-efgh");
    await user.click(screen.getByRole("button", { name: "Verify" }));

    expect(await screen.findByText("Home of tenant msp-1")).toBeInTheDocument();
    expect(posts().at(-1)).toMatchObject({ path: "/api/v1/auth/sign-in/two-factor", body: { recoveryCode: "abcd-efgh" } });
  });

  it("asks for the code before sending an empty one", async () => {
    serve({ "POST /api/v1/auth/sign-in": () => json(200, { status: "two-factor-required", user: null }) });
    const { user } = renderSignIn("/sign-in");

    await enterPassword(user);
    await user.click(await screen.findByRole("button", { name: "Verify" }));

    expect(await screen.findByText("Enter the 6-digit code from your authenticator app.", { selector: "p[id]" })).toBeInTheDocument();
    expect(posts().map((r) => r.path)).toEqual(["/api/v1/auth/sign-in"]);
  });

  it("ignores an unsafe return path and goes to the MSP tenant", async () => {
    serve({ "POST /api/v1/auth/sign-in": () => json(200, { status: "signed-in", user: signedInUser }) });
    const { user, router } = renderSignIn("/sign-in?returnTo=%2F%2Fevil.com");

    await enterPassword(user);

    expect(await screen.findByText("Home of tenant msp-1")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/t/msp-1");
  });

  it("sends a user who is already signed in on at once", async () => {
    serve({ "GET /api/v1/auth/me": () => json(200, signedInUser) });
    const { router } = renderSignIn("/sign-in?returnTo=%2Ft%2Fx%2Fusers");

    expect(await screen.findByText("Users of tenant x")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/t/x/users");
    expect(posts()).toEqual([]);
  });
});
