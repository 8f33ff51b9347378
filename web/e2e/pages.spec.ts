import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync, writeFileSync } from "node:fs";
import { processEntries, serviceEntries, SimulatedAgent } from "./agent";
import { demo, signIn, signInToShell, tenantIdByName } from "./helpers";
import { credentials } from "./servers";

const screenshots = "test-results/screenshots";

/** Axe with WCAG 2.1 A/AA rules; serious and critical violations fail, listed by rule and element. */
async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(described, `${name}: accessibility violations`).toEqual([]);
}

async function check(page: Page, name: string, ready: () => Promise<void>) {
  await ready();
  await page.waitForLoadState("networkidle");
  mkdirSync(screenshots, { recursive: true });
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => document.documentElement.classList.toggle("dark", t === "dark"), theme);
    await expectAccessible(page, `${name} (${theme})`);
    await page.screenshot({ path: `${screenshots}/${name}-${theme}.png`, fullPage: true });
  }
}

test("sign-in page", async ({ page }) => {
  await page.goto("/sign-in");
  await check(page, "sign-in", () => expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible());
});

test("MSP admin pages", async ({ page }) => {
  await signInToShell(page, demo.mspAdmin);
  const mspId = await tenantIdByName(page, "Northwind IT Services");
  const contosoId = await tenantIdByName(page, "Contoso Dental Group");
  const pages: [string, string, string][] = [
    ["customers", `/t/${mspId}/customers`, "Customers"],
    ["memberships", `/t/${mspId}/memberships`, "Memberships"],
    ["users", `/t/${contosoId}/users`, "Users"],
    ["invitations", `/t/${contosoId}/invitations`, "Invitations"],
    ["api-tokens", `/t/${contosoId}/api-tokens`, "API tokens"],
    ["audit", `/t/${contosoId}/audit`, "Audit trail"],
    ["exports", `/t/${contosoId}/exports`, "Exports"],
    ["notifications", `/t/${contosoId}/notifications`, "Notifications"],
    ["notification-preferences", `/t/${contosoId}/notification-preferences`, "Notification preferences"],
    ["notification-preferences-tenant", `/t/${contosoId}/notification-preferences?scope=tenant`, "Notification preferences"],
    ["notification-endpoints", `/t/${contosoId}/notification-endpoints`, "Notification endpoints"],
    ["notification-ledger", `/t/${contosoId}/notification-ledger`, "Delivery ledger"],
    ["tenant-settings", `/t/${contosoId}/settings`, "Tenant settings"],
    ["account", "/account", "Your account"],
  ];
  for (const [name, path, heading] of pages) {
    await page.goto(path);
    await check(page, name, async () => {
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: /Loading/ })).toHaveCount(0);
    });
  }
  await page.goto(`/t/${mspId}/memberships`);
  await page.getByRole("button", { name: `Edit membership of ${demo.mspTechnician}` }).click();
  await check(page, "membership-dialog", () => expect(page.getByRole("dialog")).toBeVisible());
});

test("asset and enrollment pages", async ({ page }) => {
  await signInToShell(page, demo.mspAdmin);
  const tailspinId = await tenantIdByName(page, "Tailspin Legal LLP");
  await page.goto(`/t/${tailspinId}/assets`);
  await check(page, "assets-getting-started", async () => {
    await expect(page.getByRole("heading", { name: "Assets", level: 1 })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Waiting for the first check-in…" })).toBeVisible();
  });

  await page.goto(`/t/${tailspinId}/enrollment`);
  await page.getByRole("button", { name: "Create enrollment token" }).click();
  const form = page.getByRole("dialog", { name: "Create enrollment token" });
  await form.getByLabel("Label").fill("Tailspin laptops");
  await form.getByLabel("Never expires").check();
  await check(page, "enrollment-token-form", () => expect(form.getByText(/never expire are flagged/)).toBeVisible());
  await form.getByRole("button", { name: "Create" }).click();
  const created = page.getByRole("dialog", { name: "Enrollment token Tailspin laptops created" });
  const token = await created.getByTestId("secret-once").inputValue();
  await check(page, "enrollment-token-created", () => expect(created.getByRole("region", { name: "Windows install commands" })).toBeVisible());
  await created.getByRole("button", { name: "Done" }).click();
  await check(page, "enrollment", async () => {
    await expect(page.getByRole("row", { name: /Tailspin laptops/ })).toContainText("never expires");
    await expect(page.getByLabel("Services (minutes)")).toHaveValue("15");
  });

  const agent = new SimulatedAgent(new URL(page.url()).origin, "tailspin-fs-01");
  await agent.enroll(token);
  await agent.heartbeat(["192.168.40.12"], 3);
  await agent.upload("services", serviceEntries);
  await agent.upload("processes", processEntries);
  await page.goto(`/t/${tailspinId}/assets`);
  await check(page, "assets", () => expect(page.getByRole("table", { name: "Assets" }).getByRole("link", { name: "tailspin-fs-01" })).toBeVisible());
  await page.getByRole("table", { name: "Assets" }).getByRole("link", { name: "tailspin-fs-01" }).click();
  await check(page, "asset-detail", async () => {
    await expect(page.getByText("The agent dropped snapshots")).toBeVisible();
    await expect(page.getByRole("table", { name: "Services entries" }).getByRole("row", { name: /ssh\.service/ })).toBeVisible();
  });
  await page.getByRole("tab", { name: "Processes" }).click();
  await check(page, "asset-detail-processes", () =>
    expect(page.getByRole("table", { name: "Processes entries" }).getByRole("row", { name: /sshd/ }).first()).toBeVisible(),
  );
});

test("platform admin pages", async ({ page }) => {
  await signInToShell(page, credentials.platformAdmin.email, credentials.platformAdmin.password);
  const platformId = await tenantIdByName(page, "Platform");
  for (const [name, path, heading] of [
    ["msps", `/t/${platformId}/msps`, "MSPs"],
    ["system-status", `/t/${platformId}/system`, "System status"],
  ] as const) {
    await page.goto(path);
    await check(page, name, () => expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible());
  }
  await expect(page.getByText("PostgreSQL").or(page.getByText("SQLite"))).toBeVisible();
});

test("tablet width keeps the navigation reachable", async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 1100 });
  await signIn(page, demo.mspAdmin);
  await expect(page.getByRole("heading", { name: "Customers", level: 1 })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(nav).toBeVisible();
  await nav.getByRole("link", { name: "Memberships" }).click();
  await expect(page.getByRole("heading", { name: "Memberships", level: 1 })).toBeVisible();
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}/memberships-tablet.png`, fullPage: true });
});

/**
 * Time from submitting the sign-in form to the first page showing its data (the MSP admin's
 * customer list), five times; the median goes to test-results/performance.json and the log.
 * Recorded in docs/performance.md; the target (≤ 1 s) is not asserted here.
 */
test("first page after sign-in: timing", async ({ browser }) => {
  const timings: number[] = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(demo.mspAdmin);
    await page.getByLabel("Password").fill(credentials.demoPassword);
    const started = Date.now();
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("table", { name: "Customers" }).getByRole("link", { name: "Contoso Dental Group" })).toBeVisible();
    timings.push(Date.now() - started);
    await context.close();
  }
  const sorted = [...timings].sort((a, b) => a - b);
  const result = { measurement: "sign-in submit → first page with data", runsMs: timings, medianMs: sorted[2], maxMs: sorted[4] };
  mkdirSync("test-results", { recursive: true });
  writeFileSync(`test-results/performance-${test.info().project.name}.json`, JSON.stringify(result, null, 2));
  console.log(`first page after sign-in: median ${result.medianMs} ms, max ${result.maxMs} ms (runs ${timings.join(", ")})`);
  expect(timings).toHaveLength(5);
});
