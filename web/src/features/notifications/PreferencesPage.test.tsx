import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, type Route, type Served } from "../../test/http";
import { featuresOf, renderPage } from "../../test/render";
import { PreferencesPage } from "./PreferencesPage";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const base = "/api/v1/tenants/t-1/notifications";

const eventTypes: Schemas["EventTypeResponse"][] = [
  { key: "drift.detected", title: "Drift detected", defaultSeverity: "high", description: "A persistence point changed against its baseline." },
  { key: "agent.offline", title: "Agent offline", defaultSeverity: "medium", description: "An agent stopped checking in." },
  { key: "invoice.issued", title: "Invoice issued", defaultSeverity: "info", description: "A new invoice is ready." },
];

const schedule = {
  digest: "immediate",
  quietHoursStart: null,
  quietHoursEnd: null,
  criticalBypassesQuietHours: true,
  throttleMinutes: 0,
  timeZone: "Europe/Berlin",
} as const;

const tenantDefaults: Schemas["PreferencesResponse"] = {
  userId: null,
  rules: [
    { eventType: "drift.detected", channels: ["inApp", "email"], minSeverity: "medium", inherited: true },
    { eventType: "agent.offline", channels: ["inApp"], minSeverity: "high", inherited: false },
    { eventType: "invoice.issued", channels: ["inApp", "email"], minSeverity: "medium", inherited: true },
  ],
  usesTenantSchedule: false,
  ...schedule,
};

const mine: Schemas["PreferencesResponse"] = {
  ...tenantDefaults,
  userId: "user-1",
  rules: [
    { eventType: "drift.detected", channels: ["inApp", "email"], minSeverity: "medium", inherited: true },
    { eventType: "agent.offline", channels: ["email"], minSeverity: "low", inherited: false },
    { eventType: "invoice.issued", channels: ["inApp", "email"], minSeverity: "medium", inherited: true },
  ],
  usesTenantSchedule: true,
};

let served: Served[];

function serve(routes: Record<string, Route> = {}, permissions: string[] = ["tenant:read"]) {
  served = serveRoutes(fetchMock, {
    "GET /api/v1/features": () => json(200, featuresOf("t-1", ["notifications"], permissions)),
    [`GET ${base}/event-types`]: () => json(200, eventTypes),
    [`GET ${base}/preferences/tenant`]: () => json(200, tenantDefaults),
    [`GET ${base}/preferences/me`]: () => json(200, mine),
    [`PUT ${base}/preferences/me`]: () => json(200, mine),
    ...routes,
  });
}

const puts = () => served.filter((r) => r.method === "PUT").map((r) => r.body);

function renderPreferences(url = "/t/t-1/notification-preferences") {
  return renderPage("/t/:tenantId/notification-preferences", url, <PreferencesPage />);
}

const rowOf = (title: string) => screen.getByRole("row", { name: new RegExp(title) });

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
});

describe("PreferencesPage", () => {
  it("marks each event type inherited or own and sends only the rules set here", async () => {
    serve();
    const { user } = renderPreferences();

    expect(await screen.findByRole("table", { name: "Event types" })).toBeInTheDocument();
    expect(within(rowOf("Drift detected")).getByText("Tenant default")).toBeInTheDocument();
    expect(within(rowOf("Agent offline")).getByText("Your own")).toBeInTheDocument();
    expect(screen.queryByRole("tab", { name: "Tenant defaults" })).not.toBeInTheDocument();
    expect(screen.getByText(/In the tenant's time zone, Europe\/Berlin/)).toBeInTheDocument();
    expect(screen.getByText(/You follow the tenant's schedule/)).toBeInTheDocument();

    await user.click(screen.getByLabelText("Email: Drift detected"));
    expect(within(rowOf("Drift detected")).getByText("Your own")).toBeInTheDocument();
    expect(screen.getByLabelText("Email: Drift detected")).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "Save my preferences" }));

    await screen.findByText("Your notification preferences are saved.");
    expect(puts()).toEqual([
      {
        rules: [
          { eventType: "drift.detected", channels: ["inApp"], minSeverity: "medium" },
          { eventType: "agent.offline", channels: ["email"], minSeverity: "low" },
        ],
        // The schedule was left alone, so the tenant's stays in force.
        useTenantSchedule: true,
      },
    ]);
  });

  it("puts a row back to the tenant's setting with Use default, and leaves it out of the body", async () => {
    serve();
    const { user } = renderPreferences();

    await user.click(await screen.findByRole("button", { name: "Use the tenant default for Agent offline" }));
    console.log(
      "DEBUG",
      rowOf("Agent offline").textContent,
      (screen.getByLabelText("Least severity: Agent offline") as HTMLSelectElement).value,
      (screen.getByLabelText("In-app: Agent offline") as HTMLInputElement).checked,
    );

    expect(within(rowOf("Agent offline")).getByText("Tenant default")).toBeInTheDocument();
    expect(screen.getByLabelText("In-app: Agent offline")).toBeChecked();
    expect(screen.getByLabelText("Email: Agent offline")).not.toBeChecked();
    expect(screen.getByLabelText("Least severity: Agent offline")).toHaveValue("high");
    await user.click(screen.getByRole("button", { name: "Save my preferences" }));
    await screen.findByText("Your notification preferences are saved.");
    expect(puts()).toEqual([expect.objectContaining({ rules: [] })]);
  });

  it("shows the server's field errors next to the row and field they name", async () => {
    serve({
      [`PUT ${base}/preferences/me`]: () =>
        json(
          400,
          {
            title: "One or more validation errors occurred.",
            status: 400,
            errors: { "rules[0].minSeverity": ["is not a severity."], quietHoursEnd: ["must differ from the start."], digest: ["is required."] },
          },
          "application/problem+json",
        ),
    });
    const { user } = renderPreferences();

    await user.type(await screen.findByLabelText("Quiet hours from"), "22:00");
    await user.type(screen.getByLabelText("Quiet hours until"), "06:00");
    await user.click(screen.getByRole("button", { name: "Save my preferences" }));

    // rules[0] is the first rule sent: Agent offline, the one own row.
    expect(await screen.findByText("is not a severity.")).toBeInTheDocument();
    expect(screen.getByLabelText("Least severity: Agent offline")).toHaveAccessibleDescription("is not a severity.");
    expect(screen.getByLabelText("Least severity: Drift detected")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("Quiet hours until")).toHaveAccessibleDescription("Email waits until they end. must differ from the start.");
    expect(screen.getByLabelText("Email delivery")).toHaveAccessibleDescription("Critical notifications are always sent at once. is required.");
  });

  it("checks the quiet hours in the browser before calling the server", async () => {
    serve();
    const { user } = renderPreferences();

    await user.type(await screen.findByLabelText("Quiet hours from"), "22:00");
    await user.click(screen.getByRole("button", { name: "Save my preferences" }));

    expect(await screen.findByText("Give both ends of the quiet hours, or neither.")).toBeInTheDocument();
    expect(puts()).toEqual([]);
  });

  it("resets to the tenant's defaults after confirming", async () => {
    serve({ [`DELETE ${base}/preferences/me`]: () => json(200, { ...mine, rules: tenantDefaults.rules.map((r) => ({ ...r, inherited: true })) }) });
    const { user } = renderPreferences();

    await user.click(await screen.findByRole("button", { name: "Reset to tenant defaults" }));
    await user.click(within(screen.getByRole("dialog", { name: "Reset to the tenant's defaults?" })).getByRole("button", { name: "Reset my preferences" }));

    expect(await screen.findByText("You follow the tenant's notification defaults again.")).toBeInTheDocument();
    expect(within(rowOf("Agent offline")).getByText("Tenant default")).toBeInTheDocument();
    expect(served.filter((r) => r.method === "DELETE")).toHaveLength(1);
  });

  it("offers the tenant's defaults to those who manage the tenant, and saves them there", async () => {
    serve({ [`PUT ${base}/preferences/tenant`]: () => json(200, tenantDefaults) }, ["tenant:read", "tenant:manage"]);
    const { user } = renderPreferences("/t/t-1/notification-preferences?scope=tenant");

    expect(await screen.findByRole("tab", { name: "Tenant defaults", selected: true })).toBeInTheDocument();
    expect(await within(rowOf("Agent offline")).findByText("Set here")).toBeInTheDocument();
    expect(within(rowOf("Drift detected")).getByText("Built-in")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Use the built-in default for Agent offline" }));
    expect(screen.getByLabelText("Email: Agent offline")).toBeChecked();
    expect(screen.getByLabelText("Least severity: Agent offline")).toHaveValue("medium");
    await user.click(screen.getByRole("button", { name: "Save tenant defaults" }));

    await screen.findByText("The tenant's notification defaults are saved.");
    expect(served.filter((r) => r.method === "PUT").map((r) => [r.path, (r.body as { rules: unknown[] }).rules])).toEqual([[`${base}/preferences/tenant`, []]]);
  });
});
