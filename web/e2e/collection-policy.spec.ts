import { expect, test } from "@playwright/test";
import { SimulatedAgent } from "./agent";
import { demo, signInToShell, tenantIdByName } from "./helpers";

test("a group's collection policy reaches the agents that enrolled into the group, with their next check-in", async ({ page }) => {
  await signInToShell(page, demo.fabrikamAdmin);
  const tenantId = await tenantIdByName(page, "Fabrikam Logistics");
  await page.goto(`/t/${tenantId}/enrollment`);
  await expect(page.getByRole("heading", { name: "Agent enrollment", level: 1 })).toBeVisible();

  const groups = page.getByRole("region", { name: "Asset groups" });
  await groups.getByLabel("New group").fill("Warehouse scanners");
  await groups.getByRole("button", { name: "Add group" }).click();
  await expect(groups.getByRole("link", { name: "Warehouse scanners" })).toBeVisible();

  // The group's processes every 2 minutes; the tenant's policy stays at the default 5.
  const policy = page.getByRole("region", { name: "Collection policy" });
  await policy.getByLabel("Applies to").selectOption({ label: "Group Warehouse scanners" });
  await expect(policy.getByLabel("Processes (minutes)")).toHaveValue("5");
  await policy.getByLabel("Processes (minutes)").fill("2");
  await policy.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Collection policy for Warehouse scanners saved.")).toBeVisible();
  await policy.getByLabel("Applies to").selectOption({ label: "Every agent of this tenant" });
  await expect(policy.getByLabel("Processes (minutes)")).toHaveValue("5");
  await policy.getByLabel("Applies to").selectOption({ label: "Group Warehouse scanners" });
  await expect(policy.getByLabel("Processes (minutes)")).toHaveValue("2");

  // A bad value is refused next to its field, and nothing is saved.
  await policy.getByLabel("Network (minutes)").fill("0");
  await policy.getByRole("button", { name: "Save policy" }).click();
  await expect(policy.getByText("At least 1 minute.")).toBeVisible();

  await page.getByRole("button", { name: "Create enrollment token" }).click();
  const form = page.getByRole("dialog", { name: "Create enrollment token" });
  await form.getByLabel("Label").fill("Scanner rollout");
  await form.getByLabel("Asset group").selectOption({ label: "Warehouse scanners" });
  await form.getByRole("button", { name: "Create" }).click();
  const created = page.getByRole("dialog", { name: "Enrollment token Scanner rollout created" });
  const token = await created.getByTestId("secret-once").inputValue();
  await created.getByRole("button", { name: "Done" }).click();

  const agent = new SimulatedAgent(new URL(page.url()).origin, "e2e-scanner-01");
  await agent.enroll(token);
  const answer = (await agent.heartbeat(["10.30.0.7"])) as { policy: { intervalSeconds: Record<string, number> } };
  expect(answer.policy.intervalSeconds.processes).toBe(120);
  expect(answer.policy.intervalSeconds.network).toBe(300);
});
