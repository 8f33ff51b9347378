import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { AuditAlertsPage } from "./AuditAlertsPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const alert: Schemas["AuditAlertResponse"] = {
  id: "al-1",
  detection: "massDelete",
  severity: "critical",
  title: "Mass delete",
  detail: "kofi@fabrikam.example deleted or revoked 20 things within 10 minutes",
  actorUserId: "u-1",
  actorName: "kofi@fabrikam.example",
  sourceIp: "203.0.113.9",
  firstSequence: 101,
  lastSequence: 120,
  records: 20,
  recordsQuery: "q=kofi%40fabrikam.example",
  occurredAt: "2026-11-22T10:00:00Z",
  raisedAt: "2026-11-22T10:00:05Z",
};

const settings: Schemas["AuditDetectionSettings"] = {
  failedSignInsPerUser: { enabled: true, count: 5, windowMinutes: 15 },
  failedSignInsPerAddress: { enabled: true, count: 10, windowMinutes: 15 },
  newSignInAddress: true,
  adminGrant: true,
  secondFactorDisabled: true,
  offHoursTokens: { enabled: true, startHour: 7, endHour: 19, weekdaysOnly: true },
  massDelete: { enabled: true, count: 20, windowMinutes: 10 },
  massExport: { enabled: true, count: 10, windowMinutes: 10 },
  auditSettingsChanged: true,
  enrollmentTokenWithoutExpiry: true,
};

let served: Served[];

function serve(permissions: string[], put?: () => Response) {
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["audit"], permissions)),
    "GET /api/v1/tenants/t-1/audit-alerts": () => json(200, { items: [alert], page: 1, pageSize: 50, total: 1 }),
    "GET /api/v1/tenants/t-1/audit-detections": () => json(200, settings),
    ...(put ? { "PUT /api/v1/tenants/t-1/audit-detections": put } : {}),
  });
}

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
});

describe("AuditAlertsPage", () => {
  it("lists an alert with its severity and detail, linking to the records behind it", async () => {
    serve(["audit:read"]);
    renderPage("/t/:tenantId/audit-alerts", "/t/t-1/audit-alerts", <AuditAlertsPage />);

    await screen.findByText(alert.detail);
    const link = screen.getByRole("link", { name: "#101–120" });
    expect(link).toHaveAttribute("href", "/t/t-1/audit?q=kofi%40fabrikam.example&record=120");
    const row = link.closest("tr")!;
    expect(within(row).getByText("CRITICAL")).toBeInTheDocument();
    expect(within(row).getByText("Mass delete")).toBeInTheDocument();
    expect(within(row).getByText(alert.detail)).toBeInTheDocument();
  });

  it("sends changed settings whole and shows the server's field error at its field", async () => {
    serve(["audit:read", "audit:manage"], () =>
      json(
        400,
        { title: "Invalid", status: 400, errors: { "massDelete.windowMinutes": ["must be between 1 and 10080 (a week)."] } },
        "application/problem+json",
      ),
    );
    renderPage("/t/:tenantId/audit-alerts", "/t/t-1/audit-alerts", <AuditAlertsPage />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole("tab", { name: "Detection settings" }));
    const mass = await screen.findByRole("group", { name: "Mass delete" });
    const count = within(mass).getByLabelText("Deletions or revocations (count)");
    await user.clear(count);
    await user.type(count, "5");
    await user.click(screen.getByRole("button", { name: "Save detection settings" }));

    expect(await within(mass).findByText("must be between 1 and 10080 (a week).")).toBeInTheDocument();
    const put = served.find((s) => s.method === "PUT")!;
    expect(put.body).toEqual({ ...settings, massDelete: { enabled: true, count: 5, windowMinutes: 10 } });
  });

  it("shows the settings read-only without audit:manage", async () => {
    serve(["audit:read"]);
    renderPage("/t/:tenantId/audit-alerts", "/t/t-1/audit-alerts", <AuditAlertsPage />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole("tab", { name: "Detection settings" }));

    expect(await screen.findByText(/changing them needs the audit:manage permission/)).toBeInTheDocument();
    expect(within(screen.getByRole("group", { name: "Mass delete" })).getByLabelText("Deletions or revocations (count)")).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Save detection settings" })).not.toBeInTheDocument();
  });
});
