import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { IntegrityEventPage } from "./IntegrityEventPage";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const base = "/api/v1/tenants/t-1/integrity/events/ev-1";

function detail(status: Schemas["IntegrityEventStatus"]): Schemas["IntegrityEventDetail"] {
  return {
    event: {
      id: "ev-1",
      assetId: "a-1",
      hostname: "web-01",
      category: "boot",
      kind: "grub-setting",
      entryKey: "GRUB_CMDLINE_LINUX_DEFAULT",
      change: "modified",
      severity: "critical",
      ruleKeys: ["kernel-init-override", "grub-settings-changed"],
      status,
      resolution: null,
      assigneeId: null,
      detectedAt: "2026-11-22T10:00:00Z",
      lastSeenAt: "2026-11-22T10:05:00Z",
      updatedAt: "2026-11-22T10:00:00Z",
    },
    assigneeName: null,
    fields: [{ name: "value", before: "quiet", after: "quiet init=/bin/bash" }],
    before: { value: "quiet", source: "/etc/default/grub" },
    after: { value: "quiet init=/bin/bash", source: "/etc/default/grub" },
    rules: [
      { key: "kernel-init-override", title: "Kernel command line gained init= or a similar override", severity: "critical" },
      { key: "grub-settings-changed", title: "GRUB settings changed (/etc/default/grub)", severity: "high" },
    ],
    snapshotId: "s-1",
    lastSnapshotId: "s-1",
    comments: [{ id: "c-1", authorId: null, authorName: "Tenantra", action: "reopened", text: "The entry changed again.", createdAt: "2026-11-22T10:01:00Z" }],
  };
}

let served: Served[];
let current: Schemas["IntegrityEventDetail"];

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
  current = detail("open");
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["integrity"], ["assets:read", "integrity:triage"])),
    "GET /api/v1/auth/me": () =>
      json(200, { id: "u-1", email: "ana@example.com", displayName: "Ana", twoFactorEnabled: false, isPlatformAdmin: false, memberships: [] }),
    [`GET ${base}`]: () => json(200, current),
    [`PATCH ${base}`]: () => {
      current = detail("acknowledged");
      return json(200, current);
    },
    [`POST ${base}/approve`]: () => {
      current = { ...detail("approved"), event: { ...detail("approved").event, resolution: "approved" } };
      return json(200, current);
    },
  });
});

describe("IntegrityEventPage", () => {
  it("shows the change side by side with the changed field marked, the rules that judged it and the history", async () => {
    renderPage("/t/:tenantId/integrity-events/:integrityEventId", "/t/t-1/integrity-events/ev-1", <IntegrityEventPage />);

    const comparison = await screen.findByRole("table", { name: "Before and after" });
    const changed = within(comparison).getByRole("rowheader", { name: /value/ }).closest("tr")!;
    expect(changed).toHaveAttribute("data-changed", "true");
    expect(within(changed).getByText("quiet")).toBeInTheDocument();
    expect(within(changed).getByText("quiet init=/bin/bash")).toBeInTheDocument();
    const unchanged = within(comparison).getByRole("rowheader", { name: "source" }).closest("tr")!;
    expect(unchanged).toHaveAttribute("data-changed", "false");
    expect(screen.getByText("Kernel command line gained init= or a similar override")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "web-01" })).toHaveAttribute("href", "/t/t-1/assets/a-1?tab=integrity");
    expect(screen.getByText("The entry changed again.")).toBeInTheDocument();
  });

  it("acknowledges, and approves only with a comment", async () => {
    const { user } = renderPage("/t/:tenantId/integrity-events/:integrityEventId", "/t/t-1/integrity-events/ev-1", <IntegrityEventPage />);

    await user.click(await screen.findByRole("button", { name: "Acknowledge" }));
    await screen.findByRole("button", { name: "Reopen" });
    expect(served.filter((r) => r.method === "PATCH").map((r) => r.body)).toEqual([{ status: "acknowledged" }]);

    await user.click(screen.getByRole("button", { name: "Approve into baseline…" }));
    const dialog = screen.getByRole("dialog", { name: "Approve into the baseline" });
    await user.click(within(dialog).getByRole("button", { name: "Approve" }));
    expect(await within(dialog).findByText("Say why this change is expected.")).toBeInTheDocument();
    expect(served.some((r) => r.method === "POST")).toBe(false);

    await user.type(within(dialog).getByRole("textbox", { name: "Why is this expected?" }), "Single-user rescue boot, planned.");
    await user.click(within(dialog).getByRole("button", { name: "Approve" }));
    await screen.findByText("Approved: GRUB_CMDLINE_LINUX_DEFAULT is part of web-01's baseline now.");
    expect(served.filter((r) => r.method === "POST").map((r) => r.body)).toEqual([{ comment: "Single-user rescue boot, planned." }]);
    expect(screen.queryByRole("button", { name: "Approve into baseline…" })).not.toBeInTheDocument();
  });

  it("offers no triage to a reader", async () => {
    serveRoutes(fetchMock, {
      "GET /api/v1/features": () => json(200, featuresOf("t-1", ["integrity"], ["assets:read"])),
      "GET /api/v1/auth/me": () =>
        json(200, { id: "u-2", email: "v@example.com", displayName: "V", twoFactorEnabled: false, isPlatformAdmin: false, memberships: [] }),
      [`GET ${base}`]: () => json(200, current),
    });
    renderPage("/t/:tenantId/integrity-events/:integrityEventId", "/t/t-1/integrity-events/ev-1", <IntegrityEventPage />);

    await screen.findByRole("table", { name: "Before and after" });
    expect(screen.queryByRole("button", { name: "Acknowledge" })).not.toBeInTheDocument();
    expect(screen.queryByRole("textbox", { name: "Add a comment" })).not.toBeInTheDocument();
  });
});
