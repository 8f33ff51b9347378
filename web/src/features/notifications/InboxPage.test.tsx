import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Route, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { InboxPage } from "./InboxPage";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const base = "/api/v1/tenants/t-1/notifications";

const drift: Schemas["InboxItemResponse"] = {
  id: "d-1",
  eventId: "ev-1",
  eventType: "drift.detected",
  severity: "high",
  title: "Run key added on fs-01",
  link: "/assets/a-1",
  facts: { Asset: "fs-01", Key: "HKLM\\...\\Run\\updater" },
  occurredAt: "2026-01-01T10:00:00Z",
  foldedCount: 2,
  read: false,
};
const invoice: Schemas["InboxItemResponse"] = {
  id: "d-2",
  eventId: "ev-2",
  eventType: "invoice.issued",
  severity: "info",
  title: "Invoice 2026-01",
  link: null,
  facts: {},
  occurredAt: "2025-12-31T10:00:00Z",
  foldedCount: 0,
  read: true,
};

let served: Served[];
let unread: number;

function serve(items: Schemas["InboxItemResponse"][], routes: Record<string, Route> = {}) {
  unread = items.filter((i) => !i.read).length;
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["notifications"])),
    [`GET ${base}/inbox`]: () => json(200, { items, page: 1, pageSize: 50, total: items.length }),
    [`GET ${base}/inbox/unread-count`]: () => json(200, { unread }),
    ...routes,
  });
}

const renderInbox = (url = "/t/t-1/notifications") => renderPage("/t/:tenantId/notifications", url, <InboxPage />);
const inboxRequests = () => served.filter((r) => r.path === `${base}/inbox`);

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
});

describe("InboxPage", () => {
  it("shows severity, title, facts and folding, marks unread ones and links to what they are about", async () => {
    serve([drift, invoice]);
    renderInbox();

    const row = (await screen.findByRole("link", { name: drift.title })).closest("tr")!;
    expect(screen.getByRole("link", { name: drift.title })).toHaveAttribute("href", "/t/t-1/assets/a-1");
    expect(within(row).getByText("high")).toBeInTheDocument();
    expect(within(row).getByText("(unread)")).toBeInTheDocument();
    expect(within(row).getByText("×3 identical")).toBeInTheDocument();
    expect(within(row).getByText("fs-01")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: `Mark ${drift.title} read` })).toBeInTheDocument();

    const readRow = screen.getByText(invoice.title).closest("tr")!;
    expect(within(readRow).queryByText("(unread)")).not.toBeInTheDocument();
    expect(within(readRow).queryByRole("button", { name: /^Mark/ })).not.toBeInTheDocument();
  });

  it("marks one read and refreshes the list and the count", async () => {
    serve([drift, invoice], {
      [`POST ${base}/inbox/d-1/read`]: () => {
        unread = 0;
        return json(200, { marked: 1 });
      },
    });
    const { user } = renderInbox();

    await user.click(await screen.findByRole("button", { name: `Mark ${drift.title} read` }));

    await vi.waitFor(() => expect(served.filter((r) => r.path === `${base}/inbox/unread-count`)).toHaveLength(2));
    expect(served.filter((r) => r.method === "POST").map((r) => r.path)).toEqual([`${base}/inbox/d-1/read`]);
    expect(inboxRequests()).toHaveLength(2);
  });

  it("marks all read, saying how many", async () => {
    serve([drift], { [`POST ${base}/inbox/read-all`]: () => json(200, { marked: 1 }) });
    const { user } = renderInbox();

    await user.click(await screen.findByRole("button", { name: "Mark all read" }));
    expect(await screen.findByText("1 notification marked read.")).toBeInTheDocument();
  });

  it("passes unread-only and the least severity from the URL to the API", async () => {
    serve([drift]);
    const { user } = renderInbox("/t/t-1/notifications?severity=high");

    await screen.findByRole("link", { name: drift.title });
    expect(inboxRequests()[0]!.query.get("severity")).toBe("high");
    expect(inboxRequests()[0]!.query.get("unread")).toBeNull();

    await user.click(screen.getByLabelText("Unread only"));
    await vi.waitFor(() => expect(inboxRequests().at(-1)!.query.get("unread")).toBe("true"));
    expect(inboxRequests().at(-1)!.query.get("severity")).toBe("high");
  });

  it("explains where notifications come from when there are none, with the way to the preferences", async () => {
    serve([]);
    renderInbox();

    expect(await screen.findByText("No notifications yet")).toBeInTheDocument();
    expect(screen.getByText(/by default in-app and by email from medium severity up/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Notification preferences" })).toHaveAttribute("href", "/t/t-1/notification-preferences");
    expect(screen.getByRole("button", { name: "Mark all read" })).toBeDisabled();
  });
});
