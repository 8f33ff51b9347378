import { expect, test, type Page } from "@playwright/test";
import { demo, signInToShell } from "./helpers";

async function switchTo(page: Page, name: string) {
  await page.getByRole("button", { name: /Switch tenant/ }).click();
  const dialog = page.getByRole("dialog", { name: "Switch tenant" });
  await dialog.getByLabel("Search tenants").fill(name.split(" ")[0]!);
  await dialog.getByRole("link", { name: new RegExp(name) }).click();
  await expect(page.getByRole("button", { name: new RegExp(`Tenant: ${name}`) })).toBeVisible();
}

test("an MSP admin switches between customers and sees only that customer's users", async ({ page }) => {
  await signInToShell(page, demo.mspAdmin);
  await expect(page.getByRole("heading", { name: "Customers" })).toBeVisible();
  const customers = page.getByRole("table", { name: "Customers" });
  await expect(customers.getByRole("link", { name: "Contoso Dental Group" })).toBeVisible();
  await expect(customers.getByRole("link", { name: "Fabrikam Logistics" })).toBeVisible();
  await expect(customers.getByRole("link", { name: "Tailspin Legal LLP" })).toBeVisible();

  // A customer has no Customers page: switching from there opens the customer's start page (its assets).
  await switchTo(page, "Contoso Dental Group");
  await expect(page).toHaveURL(/\/t\/[0-9a-f-]+\/assets$/);
  await expect(page.getByRole("heading", { name: "Assets", level: 1 })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  const users = page.getByRole("table", { name: "Users" });
  await expect(users.getByText(demo.contosoAdmin)).toBeVisible();
  await expect(users.getByText(demo.fabrikamAdmin)).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Northwind IT Services");

  await switchTo(page, "Fabrikam Logistics");
  await expect(page).toHaveURL(/\/users$/);
  await expect(users.getByText(demo.fabrikamAdmin)).toBeVisible();
  await expect(users.getByText(demo.contosoAdmin)).toHaveCount(0);

  // The tenant is in the URL: reloading keeps it, so links can be shared.
  await page.reload();
  await expect(page.getByRole("button", { name: /Tenant: Fabrikam Logistics/ })).toBeVisible();
  await expect(users.getByText(demo.fabrikamAdmin)).toBeVisible();
});

test("a technician limited to two customers finds only those in the switcher", async ({ page }) => {
  await signInToShell(page, demo.mspTechnician);
  await page.getByRole("button", { name: /Switch tenant/ }).click();
  const dialog = page.getByRole("dialog", { name: "Switch tenant" });
  const customers = dialog.getByRole("region", { name: "Customers" });
  await expect(customers.getByRole("link")).toHaveCount(2);
  await expect(customers.getByRole("link", { name: /Contoso Dental Group/ })).toBeVisible();
  await expect(customers.getByRole("link", { name: /Fabrikam Logistics/ })).toBeVisible();
  await expect(dialog.getByText("Tailspin Legal LLP")).toHaveCount(0);
});

test("the shell works from the keyboard: skip link, switcher, navigation", async ({ page }) => {
  await signInToShell(page, demo.mspAdmin);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();

  const switcher = page.getByRole("button", { name: /Switch tenant/ });
  await switcher.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Switch tenant" });
  await expect(dialog.getByLabel("Search tenants")).toBeFocused();
  await page.keyboard.type("Tailspin");
  const choice = dialog.getByRole("link", { name: /Tailspin Legal LLP/ });
  await expect(choice).toBeVisible();
  await choice.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: /Tenant: Tailspin Legal LLP/ })).toBeVisible();

  await page.getByRole("button", { name: /Switch tenant/ }).press("Enter");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Switch tenant" })).toBeHidden();
  await expect(page.getByRole("button", { name: /Switch tenant/ })).toBeFocused();
});
