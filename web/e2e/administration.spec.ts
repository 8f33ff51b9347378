import { expect, test } from "@playwright/test";
import { demo, signInToShell, tenantIdByName } from "./helpers";
import { credentials } from "./servers";

test("an admin creates a user, whose one-time link sets their password", async ({ page, browser }) => {
  await signInToShell(page, demo.contosoAdmin);
  const tenantId = await tenantIdByName(page, "Contoso Dental Group");
  await page.goto(`/t/${tenantId}/users`);
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog.getByLabel("Email")).toHaveAccessibleDescription("Enter a valid email address.");

  await dialog.getByLabel("Email").fill("new.analyst@contoso.example");
  await dialog.getByLabel("Name").fill("New Analyst");
  await dialog.getByLabel("Role").selectOption("analyst");
  await dialog.getByRole("button", { name: "Create" }).click();
  const link = await page.getByRole("dialog", { name: "Password link" }).getByTestId("secret-once").inputValue();
  expect(link).toMatch(/\/reset-password#email=new.analyst%40contoso.example&token=/);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("table", { name: "Users" }).getByText("new.analyst@contoso.example")).toBeVisible();

  const visitor = await browser.newPage();
  await visitor.goto(link);
  await visitor.getByLabel("New password").fill("a-brand-new-password-1");
  await visitor.getByLabel("Repeat the password").fill("a-brand-new-password-1");
  await visitor.getByRole("button", { name: "Set password" }).click();
  await expect(visitor.getByText("Your password is set")).toBeVisible();
  await visitor.getByLabel("Email").fill("new.analyst@contoso.example");
  await visitor.getByLabel("Password").fill("a-brand-new-password-1");
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor.getByRole("button", { name: /Tenant: Contoso Dental Group/ })).toBeVisible();
  await visitor.close();
});

test("an admin invites someone, who accepts with a new account", async ({ page, browser }) => {
  await signInToShell(page, demo.contosoAdmin);
  const tenantId = await tenantIdByName(page, "Contoso Dental Group");
  await page.goto(`/t/${tenantId}/invitations`);
  await page.getByRole("button", { name: "Invite someone" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite someone" });
  await dialog.getByLabel("Email").fill("invited.person@contoso.example");
  await dialog.getByLabel("Role").selectOption("auditor");
  await dialog.getByRole("button", { name: "Create invitation" }).click();
  const link = await page.getByRole("dialog", { name: "Invitation link" }).getByTestId("secret-once").inputValue();
  await page.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row", { name: /invited.person@contoso.example/ });
  await expect(row).toContainText("open");
  await expect(row).toContainText("Auditor");

  const visitor = await browser.newPage();
  await visitor.goto(link);
  await expect(visitor.getByRole("heading", { name: "Join Contoso Dental Group" })).toBeVisible();
  await visitor.getByLabel("Your name").fill("Invited Person");
  await visitor.getByLabel("Choose a password").fill("invited-password-12");
  await visitor.getByLabel("Repeat the password").fill("invited-password-12");
  await visitor.getByRole("button", { name: "Create account and join" }).click();
  await expect(visitor.getByText("Your account is ready")).toBeVisible();
  await visitor.close();

  await page.reload();
  await expect(page.getByRole("row", { name: /invited.person@contoso.example/ })).toContainText("accepted");
});

test("an existing account accepts an invitation after signing in, the token never in a query string", async ({ page, browser }) => {
  await signInToShell(page, demo.fabrikamAdmin);
  const fabrikamId = await tenantIdByName(page, "Fabrikam Logistics");
  await page.goto(`/t/${fabrikamId}/invitations`);
  await page.getByRole("button", { name: "Invite someone" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite someone" });
  await dialog.getByLabel("Email").fill(demo.contosoViewer);
  await dialog.getByLabel("Role").selectOption("viewer");
  await dialog.getByRole("button", { name: "Create invitation" }).click();
  const link = await page.getByRole("dialog", { name: "Invitation link" }).getByTestId("secret-once").inputValue();
  const token = new URLSearchParams(new URL(link).hash.slice(1)).get("token")!;

  const invitee = await browser.newPage();
  const requested: string[] = [];
  invitee.on("request", (request) => requested.push(`${request.url()} ${request.headers()["referer"] ?? ""}`));
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: "Join Fabrikam Logistics" })).toBeVisible();
  await invitee.getByRole("button", { name: "Sign in to accept" }).click();
  await expect(invitee).toHaveURL(/\/sign-in$/);
  await invitee.getByLabel("Email").fill(demo.contosoViewer);
  await invitee.getByLabel("Password").fill(credentials.demoPassword);
  await invitee.getByRole("button", { name: "Sign in" }).click();
  await expect(invitee.getByRole("heading", { name: "Join Fabrikam Logistics" })).toBeVisible();
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await invitee.getByRole("button", { name: /Switch tenant/ }).click();
  await expect(invitee.getByRole("dialog", { name: "Switch tenant" }).getByRole("link", { name: /Fabrikam Logistics/ })).toBeVisible();
  await invitee.close();

  // The token went to the server only in the bodies of preview and accept: never in a URL or a Referer.
  expect(requested.filter((r) => r.includes(token))).toEqual([]);
});

test("an API token is shown once, works, and stops working when revoked", async ({ page, playwright }) => {
  await signInToShell(page, demo.contosoAdmin);
  const tenantId = await tenantIdByName(page, "Contoso Dental Group");
  await page.goto(`/t/${tenantId}/api-tokens`);
  await expect(page.getByText("No API tokens yet")).toBeVisible();
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API token" });
  await dialog.getByLabel("Name").fill("Nightly export");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog.getByText("Choose at least one scope.")).toBeVisible();
  await dialog.getByLabel("users:read").check();
  await dialog.getByRole("button", { name: "Create" }).click();
  const token = await page
    .getByRole("dialog", { name: /Token Nightly export created/ })
    .getByTestId("secret-once")
    .inputValue();
  expect(token).toMatch(/^tnt_/);
  await page.getByRole("button", { name: "Done" }).click();

  const api = await playwright.request.newContext({ baseURL: new URL(page.url()).origin, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  expect((await api.get(`/api/v1/tenants/${tenantId}/users`)).status()).toBe(200);

  await page.getByRole("button", { name: "Revoke Nightly export" }).click();
  await page.getByRole("dialog", { name: "Revoke Nightly export?" }).getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByRole("row", { name: /Nightly export/ })).toContainText("revoked");
  expect((await api.get(`/api/v1/tenants/${tenantId}/users`)).status()).toBe(401);
  await api.dispose();
});

test("a viewer sees no administration pages and is refused them by URL", async ({ page }) => {
  await signInToShell(page, demo.contosoViewer);
  const tenantId = await tenantIdByName(page, "Contoso Dental Group");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Tenant settings" })).toBeVisible();
  for (const hidden of ["Users", "Invitations", "Memberships", "API tokens", "Audit trail", "Customers"]) {
    await expect(nav.getByRole("link", { name: hidden, exact: true })).toHaveCount(0);
  }
  for (const path of ["users", "invitations", "memberships", "api-tokens", "audit"]) {
    await page.goto(`/t/${tenantId}/${path}`);
    await expect(page.getByText("You do not have access to this page")).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  // The server refuses too, whatever the console shows.
  expect((await page.request.get(`/api/v1/tenants/${tenantId}/users`)).status()).toBe(403);
  expect((await page.request.get(`/api/v1/tenants/${tenantId}/audit-records`)).status()).toBe(403);
});

test("an MSP admin creates, suspends, deletes and restores a customer, confirming the delete", async ({ page }) => {
  await signInToShell(page, demo.mspAdmin);
  await page.getByRole("button", { name: "Create customer" }).click();
  const dialog = page.getByRole("dialog", { name: "Create customer" });
  await dialog.getByLabel("Name").fill("Woodgrove Clinic");
  await dialog.getByLabel("Time zone").fill("Not/AZone");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog.getByLabel("Time zone")).toHaveAccessibleDescription(/must be an IANA time zone/);
  await dialog.getByLabel("Time zone").fill("Europe/Berlin");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created customer Woodgrove Clinic." })).toBeVisible();
  const row = page.getByRole("row", { name: /Woodgrove Clinic/ });
  await expect(row).toContainText("active");

  await row.getByRole("button", { name: "Suspend Woodgrove Clinic" }).click();
  await page.getByRole("dialog", { name: "Suspend Woodgrove Clinic?" }).getByRole("button", { name: "Suspend customer" }).click();
  await expect(row).toContainText("suspended");
  await row.getByRole("button", { name: "Delete Woodgrove Clinic" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Woodgrove Clinic?" });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("suspended");
  await row.getByRole("button", { name: "Delete Woodgrove Clinic" }).click();
  await confirm.getByRole("button", { name: "Delete customer" }).click();
  await expect(row).toContainText("deleted");

  await page.getByLabel("Status").selectOption("deleted");
  await expect(page).toHaveURL(/status=deleted/);
  await expect(page.getByRole("table", { name: "Customers" }).getByRole("row")).toHaveCount(2);
  await row.getByRole("button", { name: "Restore Woodgrove Clinic" }).click();
  await expect(page.getByText("Nothing matches these filters")).toBeVisible();
});

test("an MSP admin limits a technician to one customer, who then sees only that one", async ({ page, browser }) => {
  await signInToShell(page, demo.mspAdmin);
  const mspId = await tenantIdByName(page, "Northwind IT Services");
  await page.goto(`/t/${mspId}/memberships`);
  await page.getByRole("button", { name: `Edit membership of ${demo.mspAnalyst}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit ${demo.mspAnalyst}` });
  await dialog.getByLabel("Only these customers").check();
  await dialog.getByLabel("Tailspin Legal LLP").check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: new RegExp(demo.mspAnalyst) })).toContainText("Tailspin Legal LLP");

  const technician = await browser.newPage();
  await signInToShell(technician, demo.mspAnalyst);
  await technician.getByRole("button", { name: /Switch tenant/ }).click();
  const customers = technician.getByRole("dialog", { name: "Switch tenant" }).getByRole("region", { name: "Customers" });
  await expect(customers.getByRole("link")).toHaveCount(1);
  await expect(customers.getByRole("link", { name: /Tailspin Legal LLP/ })).toBeVisible();
  const contosoId = await tenantIdByName(page, "Contoso Dental Group");
  expect((await technician.request.get(`/api/v1/tenants/${contosoId}`)).status()).toBe(404);
  await technician.close();
});
