import { expect, test } from "@playwright/test";
import { demo, signInToShell, tenantIdByName } from "./helpers";

test("MSP staff change a customer's audit detections: the change is detected, its alert opens the record with before and after, and the chain verifies", async ({
  page,
}) => {
  await signInToShell(page, demo.mspAdmin);
  const tenantId = await tenantIdByName(page, "Tailspin Legal LLP");

  await page.goto(`/t/${tenantId}/audit-alerts`);
  await page.getByRole("tab", { name: "Detection settings" }).click();
  const massDelete = page.getByRole("group", { name: "Mass delete" });
  await massDelete.getByLabel("Deletions or revocations (count)").fill("3");
  await page.getByRole("button", { name: "Save detection settings" }).click();
  await expect(page.getByText(/Detection settings saved/)).toBeVisible();

  // Detections read the trail in the background: the settings change is itself an alert.
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/tenants/${tenantId}/audit-alerts?detection=auditSettingsChanged`)).json()).total, {
      timeout: 30_000,
    })
    .toBe(1);
  await page.reload();
  const alert = page.getByRole("table", { name: "Audit alerts" }).getByRole("row", { name: /Audit settings changed/ });
  await expect(alert).toContainText("amelia.hart@northwind.example changed the audit settings");
  await alert.getByRole("link").click();

  const record = page.getByRole("dialog", { name: /Audit record #\d+/ });
  await expect(record).toContainText("audit-detections.updated");
  await expect(record).toContainText("MSP staff");
  const count = record.getByRole("table", { name: "Before and after" }).getByRole("row", { name: /massDelete\.count/ });
  await expect(count.getByRole("cell").nth(0)).toHaveText("20");
  await expect(count.getByRole("cell").nth(1)).toHaveText("3");
  await record.getByRole("button", { name: "Close" }).click();
  await expect(record).toBeHidden();

  // Full-text search finds it; the chain check passes.
  await page.goto(`/t/${tenantId}/audit`);
  await page.getByLabel("Search actor, action, target, IP, before/after").fill("audit detections updated");
  const records = page.getByRole("table", { name: "Audit records" });
  await expect(records.getByRole("row", { name: /audit-detections\.updated/ })).toHaveCount(1);
  await expect(records.getByRole("row", { name: /audit-detections\.updated/ })).toContainText("MSP staff");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText("The chain is intact")).toBeVisible();
});
