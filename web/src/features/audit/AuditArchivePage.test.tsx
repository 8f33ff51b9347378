import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { AuditArchivePage, AuditArchiveSegmentPage } from "./AuditArchivePage";
import { AuditPage } from "./AuditPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const segment: Schemas["AuditArchiveSegmentResponse"] = {
  firstSequence: 1,
  lastSequence: 50000,
  records: 50000,
  firstOccurredAt: "2026-06-01T08:00:00Z",
  lastOccurredAt: "2026-07-20T17:30:00Z",
  archivedAt: "2026-10-20T02:00:00Z",
  compressedBytes: 2_400_000,
  uncompressedBytes: 31_000_000,
};

const archivedRecord: Schemas["AuditRecordResponse"] = {
  sequence: 4211,
  id: "r-4211",
  occurredAt: "2026-06-03T09:15:00Z",
  actorUserId: "u-1",
  actorTokenId: null,
  actorName: "kofi@fabrikam.example",
  onBehalfOfTenantId: null,
  action: "user.deleted",
  targetType: "user",
  targetId: "u-9",
  outcome: "success",
  before: '{"email":"amelia@tailspin.example"}',
  after: null,
  sourceIp: "203.0.113.9",
  userAgent: "Mozilla/5.0",
  requestId: "req-1",
  previousHash: "a".repeat(64),
  hash: "b".repeat(64),
};

const page = <T,>(items: T[]) => ({ items, page: 1, pageSize: 50, total: items.length });

let served: Served[];

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["audit"], ["audit:read"])),
    "GET /api/v1/tenants/t-1/audit-archive": () => json(200, page([segment])),
    "GET /api/v1/tenants/t-1/audit-archive/1/records": () => json(200, page([archivedRecord])),
    "GET /api/v1/tenants/t-1/audit-records": () => json(200, page([])),
    "POST /api/v1/tenants/t-1/exports": () => json(202, { id: "e-1" }),
  });
});

describe("AuditArchivePage", () => {
  it("lists a segment with its records, period and size, opening it for search and offering its evidence file", async () => {
    renderPage("/t/:tenantId/audit-archive", "/t/t-1/audit-archive", <AuditArchivePage />);

    const open = await screen.findByRole("link", { name: "#1–50000" });
    expect(open).toHaveAttribute("href", "/t/t-1/audit-archive/1");
    const row = open.closest("tr")!;
    expect(within(row).getByText("50,000")).toBeInTheDocument();
    expect(within(row).getByText(/2\.3 MiB \(of 30 MiB\)/)).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "Download records 1–50000" })).toHaveAttribute("href", "/api/v1/tenants/t-1/audit-archive/1/file");
  });

  it("exports the period's trail with archived records included, as a report or as evidence", async () => {
    renderPage("/t/:tenantId/audit-archive", "/t/t-1/audit-archive?from=2026-06-01&to=2026-06-30", <AuditArchivePage />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole("button", { name: "Export evidence with archived…" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Start export" }));

    await vi.waitFor(() => expect(served.some((s) => s.method === "POST")).toBe(true));
    const body = served.find((s) => s.method === "POST")!.body as { dataset: string; filters: Record<string, string> };
    expect(body.dataset).toBe("audit-evidence");
    expect(body.filters.archived).toBe("true");
    expect(new Date(body.filters.from!).getTime()).toBe(new Date(2026, 5, 1).getTime());
    expect(new Date(body.filters.to!).getTime()).toBe(new Date(2026, 6, 1).getTime());
  });

  it("searches inside a segment with the trail's filters", async () => {
    renderPage("/t/:tenantId/audit-archive/:firstSequence", "/t/t-1/audit-archive/1?q=kofi&outcome=success", <AuditArchiveSegmentPage />);

    expect(await screen.findByRole("button", { name: /^4211\b/ })).toBeInTheDocument();
    expect(screen.getByText("user.deleted")).toBeInTheDocument();
    const asked = served.find((s) => s.path === "/api/v1/tenants/t-1/audit-archive/1/records")!;
    expect(asked.query.get("q")).toBe("kofi");
    expect(asked.query.get("outcome")).toBe("success");
  });
});

describe("AuditPage and the archive", () => {
  it("says which records are archived and links to the archive", async () => {
    renderPage("/t/:tenantId/audit", "/t/t-1/audit", <AuditPage />);

    const note = await screen.findByText(/are archived in compressed, signed segments/);
    expect(note).toHaveTextContent("Records 1–50,000");
    expect(within(note).getByRole("link", { name: "search the archive" })).toHaveAttribute("href", "/t/t-1/audit-archive");
  });

  it("says nothing of an archive when there is none", async () => {
    served = serveRoutes(fetchMock, {
      "GET /api/v1/features": () => json(200, featuresOf("t-1", ["audit"], ["audit:read"])),
      "GET /api/v1/tenants/t-1/audit-archive": () => json(200, page([])),
      "GET /api/v1/tenants/t-1/audit-records": () => json(200, page([archivedRecord])),
    });
    renderPage("/t/:tenantId/audit", "/t/t-1/audit", <AuditPage />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole("button", { name: /^4211\b/ }));

    expect(served.some((s) => s.path === "/api/v1/tenants/t-1/audit-archive")).toBe(true);
    expect(screen.queryByText(/are archived/)).not.toBeInTheDocument();
  });
});
