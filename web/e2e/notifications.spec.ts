import { expect, test, type Locator } from "@playwright/test";
import { demo, signInToShell, tenantIdByName } from "./helpers";

/** The bell's unread count once it has loaded ("Notifications, 3 unread" or "…, none unread"). */
async function unreadCount(bell: Locator): Promise<number> {
  await expect(bell).toHaveAccessibleName(/unread$/);
  const name = (await bell.getAttribute("aria-label")) ?? "";
  return name.endsWith("none unread") ? 0 : Number(/(\d+) unread$/.exec(name)![1]);
}

const unreadName = (count: number) => (count === 0 ? "Notifications, none unread" : `Notifications, ${count} unread`);

test("a test notification reaches the bell, the inbox and the ledger; a webhook's secret is shown once", async ({ page }) => {
  await signInToShell(page, demo.fabrikamAdmin);
  const tenantId = await tenantIdByName(page, "Fabrikam Logistics");
  const title = `E2E test ${Date.now()}`;
  await page.goto(`/t/${tenantId}/notification-endpoints`);
  await expect(page.getByRole("heading", { name: "Notification endpoints", level: 1 })).toBeVisible();
  const bell = page.getByRole("banner").getByRole("link", { name: /^Notifications/ });
  const before = await unreadCount(bell);

  // The built-in defaults send medium and above to everyone's inbox.
  await page.getByRole("button", { name: "Send test notification" }).click();
  const form = page.getByRole("dialog", { name: "Send test notification" });
  await form.getByLabel("Severity").selectOption("high");
  await form.getByLabel("Title (optional)").fill(title);
  await form.getByRole("button", { name: "Send" }).click();
  const sent = page.getByRole("dialog", { name: "Test notification sent" });
  await expect(sent).toContainText("A high test event is on its way");
  await sent.getByRole("button", { name: "Close" }).click();

  // Routing runs in the background; the bell asks again every 15 seconds.
  await expect(bell).toHaveAccessibleName(unreadName(before + 1), { timeout: 40_000 });

  await bell.click();
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  const item = page.getByRole("table", { name: "Notifications" }).getByRole("row", { name: new RegExp(title) });
  await expect(item).toContainText("high");
  await expect(item).toContainText("(unread)");
  await expect(item).toContainText(`Requested by:${demo.fabrikamAdmin}`);
  await item.getByRole("button", { name: `Mark ${title} read` }).click();
  await expect(item).not.toContainText("(unread)");
  await expect(item.getByRole("button", { name: /^Mark / })).toHaveCount(0);
  await expect(bell).toHaveAccessibleName(unreadName(before));

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Delivery ledger" }).click();
  await expect(page.getByRole("heading", { name: "Delivery ledger", level: 1 })).toBeVisible();
  await page.getByLabel("Channel").selectOption("inApp");
  await page.getByLabel("Outcome").selectOption("delivered");
  await page.getByLabel("Recipient contains").fill("Kofi");
  await page.getByLabel("Recipient contains").press("Enter");
  await expect(page).toHaveURL(/recipient=Kofi/);
  const entry = page.getByRole("table", { name: "Delivery attempts" }).getByRole("row", { name: new RegExp(title) });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText("In-app");
  await expect(entry).toContainText("delivered");
  await expect(entry).toContainText("Stored in the inbox.");

  await entry.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Deliveries" }).getByRole("row", { name: /In-app.*Kofi Mensah/ })).toContainText("delivered");
  await expect(page.getByRole("table", { name: "Attempts" }).getByRole("row", { name: /In-app.*Kofi Mensah/ })).toContainText("Stored in the inbox.");

  await page.goto(`/t/${tenantId}/notification-endpoints`);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const add = page.getByRole("dialog", { name: "Add endpoint" });
  await add.getByLabel("Name").fill("E2E receiver");
  await add.getByLabel("URL").fill("https://receiver.example.com/hooks/tenantra");
  await add.getByRole("button", { name: "Add endpoint" }).click();
  const created = page.getByRole("dialog", { name: "Signing secret of E2E receiver" });
  await expect(created).toContainText("you will not see it again");
  const secret = await created.getByTestId("secret-once").inputValue();
  expect(secret).toMatch(/^whsec_/);
  await created.getByRole("button", { name: "Done" }).click();
  await expect(created).toBeHidden();
  await expect(page.getByTestId("secret-once")).toHaveCount(0);
  const row = page.getByRole("table", { name: "Notification endpoints" }).getByRole("row", { name: /E2E receiver/ });
  await expect(row).toContainText("signed");
  await expect(row).toContainText("https://receiver.example.com/…");
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);
});

test("a viewer has the inbox and their own preferences, but neither endpoints nor the ledger nor the tenant's defaults", async ({ page }) => {
  await signInToShell(page, demo.contosoViewer);
  const tenantId = await tenantIdByName(page, "Contoso Dental Group");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Notification preferences" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Notification endpoints" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Delivery ledger" })).toHaveCount(0);
  await expect(page.getByRole("banner").getByRole("link", { name: /^Notifications, .* unread$/ })).toBeVisible();

  await page.goto(`/t/${tenantId}/notification-preferences?scope=tenant`);
  await expect(page.getByRole("table", { name: "Event types" })).toBeVisible();
  await expect(page.getByRole("tab")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save my preferences" })).toBeVisible();

  for (const path of ["notification-endpoints", "notification-ledger"]) {
    await page.goto(`/t/${tenantId}/${path}`);
    await expect(page.getByText("You do not have access to this page")).toBeVisible();
  }
  expect((await page.request.get(`/api/v1/tenants/${tenantId}/notifications/endpoints`)).status()).toBe(403);
  expect((await page.request.get(`/api/v1/tenants/${tenantId}/notifications/ledger`)).status()).toBe(403);
});
