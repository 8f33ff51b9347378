import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { demo, signInToShell, tenantIdByName } from "./helpers";

test("the audit trail exports with its filters in the background, downloads with its rows, and can be deleted", async ({ page }) => {
  await signInToShell(page, demo.fabrikamAdmin);
  const tenantId = await tenantIdByName(page, "Fabrikam Logistics");
  await page.goto(`/t/${tenantId}/audit`);
  await expect(page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
  await page.getByLabel("Outcome").selectOption("success");
  await expect(page).toHaveURL(/outcome=success/);

  await page.getByRole("button", { name: "Export…" }).click();
  const dialog = page.getByRole("dialog", { name: "Export audit trail" });
  await expect(dialog).toContainText("With the list's filter applied.");
  await dialog.getByLabel(/^CSV/).check();
  await dialog.getByRole("button", { name: "Start export" }).click();
  const started = page.getByRole("dialog", { name: "Exporting audit trail" });
  await started.getByRole("link", { name: "Exports page" }).click();

  await expect(page.getByRole("heading", { name: "Exports", level: 1 })).toBeVisible();
  const row = page.getByRole("table", { name: "Exports" }).getByRole("row", { name: /Audit trail/ });
  await expect(row).toContainText("ready", { timeout: 20_000 });
  await expect(row).toContainText("CSV");

  const downloading = page.waitForEvent("download");
  await row.getByRole("link", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^audit-records-\d{8}-\d{6}\.csv$/);
  const lines = readFileSync((await download.path())!, "utf8")
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines[0]).toBe("Sequence,Occurred at (UTC),Actor,Action,Target type,Target,Outcome,Source IP,Request id,Hash");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toContain(",Success,");
  await expect(row).toContainText(`${lines.length - 1}`);

  await row.getByRole("button", { name: /^Delete / }).click();
  await page
    .getByRole("dialog", { name: /^Delete audit-records-/ })
    .getByRole("button", { name: "Delete export" })
    .click();
  await expect(page.getByText("No exports yet")).toBeVisible();
});
