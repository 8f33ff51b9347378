import { expect, test } from "@playwright/test";
import { serviceEntries, SimulatedAgent } from "./agent";
import { demo, signInToShell, tenantIdByName } from "./helpers";

test("a new tenant's checklist waits for the first agent, which then shows with its services", async ({ page }) => {
  await signInToShell(page, demo.contosoAdmin);
  const tenantId = await tenantIdByName(page, "Contoso Dental Group");
  await page.goto(`/t/${tenantId}/assets`);
  await expect(page.getByRole("heading", { name: "Assets", level: 1 })).toBeVisible();
  const checklist = page.getByRole("region", { name: "Getting started" });
  await expect(checklist.getByRole("listitem").filter({ hasText: "Invite a colleague" })).toContainText("Someone else has access");
  await expect(checklist.getByRole("listitem").filter({ hasText: "Create an enrollment token" })).toContainText("To do");
  const firstAgent = checklist.getByRole("listitem").filter({ hasText: "Install the first agent" });
  await expect(firstAgent.getByRole("status")).toHaveText("Waiting for the first check-in…");
  await expect(page.getByText("No assets yet")).toBeVisible();

  // The token, from the enrollment page, read from the shown-once field.
  await checklist.getByRole("link", { name: "Create an enrollment token" }).click();
  await expect(page.getByRole("heading", { name: "Agent enrollment", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Create enrollment token" }).click();
  const form = page.getByRole("dialog", { name: "Create enrollment token" });
  await form.getByLabel("Label").fill("Reception PCs");
  await form.getByLabel("Maximum uses").fill("5");
  await form.getByRole("button", { name: "Create" }).click();
  const created = page.getByRole("dialog", { name: "Enrollment token Reception PCs created" });
  const token = await created.getByTestId("secret-once").inputValue();
  expect(token).toMatch(/^tne_/);
  await expect(created.getByRole("region", { name: "Linux install commands" })).toContainText(`--token ${token}`);
  await expect(created.getByRole("region", { name: "Windows install commands" })).toContainText(`--token ${token}`);
  await created.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row", { name: /Reception PCs/ });
  await expect(row).toContainText("active");
  await expect(row).toContainText("0 of 5");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assets" }).click();
  await expect(checklist.getByRole("listitem").filter({ hasText: "Create an enrollment token" })).toContainText("Done");
  await expect(firstAgent.getByRole("status")).toHaveText("Waiting for the first check-in…");

  // An agent enrolls, checks in and uploads its services, from this process over real HTTP, while the page polls.
  const agent = new SimulatedAgent(new URL(page.url()).origin, "e2e-reception-01");
  await agent.enroll(token);
  await agent.heartbeat(["10.20.0.15", "fe80::1"]);
  expect(await agent.upload("services", serviceEntries)).toMatchObject({ duplicate: false });

  await expect(firstAgent.getByRole("status")).toHaveText("e2e-reception-01 checked in.", { timeout: 15_000 });
  await expect(firstAgent).toContainText("Done");
  const assets = page.getByRole("table", { name: "Assets" });
  const assetRow = assets.getByRole("row", { name: /e2e-reception-01/ });
  await expect(assetRow).toContainText("online");
  await expect(assetRow).toContainText("linux Debian 13");

  await assets.getByRole("link", { name: "e2e-reception-01" }).click();
  await expect(page.getByRole("heading", { name: "e2e-reception-01", level: 1 })).toBeVisible();
  await expect(page.getByText("10.20.0.15, fe80::1")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Assets" })).toBeVisible();
  // The only category collected opens first.
  const services = page.getByRole("tab", { name: "Services" });
  await expect(services).toHaveAttribute("aria-selected", "true");
  const panel = page.getByRole("tabpanel", { name: "Services" });
  await expect(panel).toContainText("3 entries");
  const entries = panel.getByRole("table", { name: "Services entries" });
  await expect(entries.getByRole("row", { name: /ssh\.service/ })).toContainText("/usr/sbin/sshd -D");
  await expect(entries.getByRole("row", { name: /tenantra-agent\.service/ })).toContainText("root");

  await panel.getByLabel("Search services").fill("cron");
  await expect(page).toHaveURL(/q=cron/);
  await expect(entries.getByRole("row")).toHaveCount(2);

  // The tab is in the URL; choosing another starts its list afresh, and the arrow keys move between tabs.
  await services.press("ArrowRight");
  const scheduled = page.getByRole("tab", { name: "Scheduled" });
  await expect(scheduled).toBeFocused();
  await expect(page).toHaveURL(/\?tab=scheduled$/);
  await expect(page.getByRole("tabpanel", { name: "Scheduled" })).toContainText("No scheduled collected yet");
  await page.goto(`/t/${tenantId}/assets/${new URL(page.url()).pathname.split("/").pop()}?tab=services`);
  await expect(page.getByRole("tab", { name: "Services" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("table", { name: "Services entries" }).getByRole("row")).toHaveCount(4);

  // Once the tenant has an asset the checklist can be dismissed, for good.
  await page.goto(`/t/${tenantId}/assets`);
  await checklist.getByRole("button", { name: "Dismiss the getting-started checklist" }).click();
  await expect(checklist).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("table", { name: "Assets" }).getByRole("link", { name: "e2e-reception-01" })).toBeVisible();
  await expect(checklist).toHaveCount(0);
});
