import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken } from "../../api/client";
import { json, serveRoutes } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { NotificationBell } from "./NotificationBell";
import { unreadCountKey } from "./queries";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const unreadPath = "/api/v1/tenants/t-1/notifications/inbox/unread-count";

function serve(enabled: string[], unread: () => number) {
  return serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", enabled)),
    [`GET ${unreadPath}`]: () => json(200, { unread: unread() }),
  });
}

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
});

describe("NotificationBell", () => {
  it("shows the unread count and links to the inbox, and follows the count when it is refreshed", async () => {
    let unread = 3;
    serve(["notifications"], () => unread);
    const { queryClient } = renderPage("/t/:tenantId", "/t/t-1", <NotificationBell tenantId="t-1" />);

    const bell = await screen.findByRole("link", { name: "Notifications, 3 unread" });
    expect(bell).toHaveAttribute("href", "/t/t-1/notifications");
    expect(screen.getByTestId("unread-count")).toHaveTextContent("3");

    unread = 0;
    await queryClient.invalidateQueries({ queryKey: unreadCountKey("t-1") });
    expect(await screen.findByRole("link", { name: "Notifications, none unread" })).toBeInTheDocument();
    expect(screen.queryByTestId("unread-count")).not.toBeInTheDocument();
  });

  it("caps the badge at 99+", async () => {
    serve(["notifications"], () => 250);
    renderPage("/t/:tenantId", "/t/t-1", <NotificationBell tenantId="t-1" />);
    expect(await screen.findByTestId("unread-count")).toHaveTextContent("99+");
    expect(screen.getByRole("link", { name: "Notifications, 250 unread" })).toBeInTheDocument();
  });

  it("is absent, and asks for no count, where the feature is off", async () => {
    const served = serve(["audit"], () => 3);
    renderPage("/t/:tenantId", "/t/t-1", <NotificationBell tenantId="t-1" />);
    await vi.waitFor(() => expect(served.some((r) => r.path === "/api/v1/features")).toBe(true));
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
    expect(served.some((r) => r.path === unreadPath)).toBe(false);
  });
});
