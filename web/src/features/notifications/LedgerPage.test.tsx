import { screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { LedgerPage } from "./LedgerPage";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const base = "/api/v1/tenants/t-1/notifications";

const entries: Schemas["LedgerEntryResponse"][] = [
  {
    id: "a-2",
    deliveryId: "d-2",
    eventId: "ev-1",
    eventType: "notification.test",
    eventTitle: "Test notification",
    channel: "webhook",
    recipient: "SIEM",
    attempt: 2,
    outcome: "failed",
    response: "HTTP 503 Service Unavailable",
    startedAt: "2026-01-01T10:01:00Z",
    finishedAt: "2026-01-01T10:01:01Z",
  },
  {
    id: "a-1",
    deliveryId: "d-3",
    eventId: null,
    eventType: "digest",
    eventTitle: null,
    channel: "email",
    recipient: "kofi@example.com",
    attempt: 1,
    outcome: "delivered",
    response: "250 OK",
    startedAt: "2026-01-01T10:00:00Z",
    finishedAt: "2026-01-01T10:00:01Z",
  },
];

let served: Served[];

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["notification-ledger"])),
    [`GET ${base}/event-types`]: () => json(200, [{ key: "notification.test", title: "Test notification", defaultSeverity: "info", description: "" }]),
    [`GET ${base}/ledger`]: () => json(200, { items: entries, page: 1, pageSize: 50, total: 2 }),
    "POST /api/v1/tenants/t-1/exports": () => json(202, { id: "x-1", status: "queued" }),
  });
});

afterEach(() => vi.unstubAllEnvs());

describe("LedgerPage", () => {
  it("lists attempts with their outcome and response, linking each to its event", async () => {
    renderPage("/t/:tenantId/notification-ledger", "/t/t-1/notification-ledger", <LedgerPage />);

    const link = await screen.findByRole("link", { name: "Test notification" });
    expect(link).toHaveAttribute("href", "/t/t-1/notification-ledger/events/ev-1");
    const row = link.closest("tr")!;
    expect(within(row).getByText("failed")).toBeInTheDocument();
    expect(within(row).getByText("Webhook")).toBeInTheDocument();
    expect(within(row).getByText("HTTP 503 Service Unavailable")).toBeInTheDocument();
    const digest = screen.getByText("kofi@example.com").closest("tr")!;
    expect(within(digest).getByText("Digest")).toBeInTheDocument();
    expect(within(digest).getByText("delivered")).toBeInTheDocument();
  });

  it("sends the URL's filters to the API, days as UTC instants, and exports with the same filters", async () => {
    vi.stubEnv("TZ", "UTC");
    const { user } = renderPage(
      "/t/:tenantId/notification-ledger",
      "/t/t-1/notification-ledger?channel=inApp&outcome=delivered&from=2026-01-01&q=kofi&page=2",
      <LedgerPage />,
    );
    await screen.findByRole("link", { name: "Test notification" });
    const query = served.find((r) => r.path === `${base}/ledger`)!.query;
    expect(Object.fromEntries(query)).toEqual({
      channel: "inApp",
      outcome: "delivered",
      from: "2026-01-01T00:00:00.000Z",
      q: "kofi",
      page: "2",
      pageSize: "50",
    });

    await user.click(screen.getByRole("button", { name: "Export…" }));
    const dialog = screen.getByRole("dialog", { name: "Export delivery ledger" });
    expect(within(dialog).getByText("With the list's 4 filters applied.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Start export" }));

    await screen.findByRole("link", { name: "Exports page" });
    expect(served.filter((r) => r.method === "POST").map((r) => r.body)).toEqual([
      { dataset: "notification-ledger", format: "csv", filters: { channel: "inApp", outcome: "delivered", from: "2026-01-01T00:00:00.000Z", q: "kofi" } },
    ]);
  });
});
