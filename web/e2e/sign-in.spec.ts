import { expect, test } from "@playwright/test";
import { demo, signIn, totp } from "./helpers";
import { credentials } from "./servers";

const admin = credentials.platformAdmin;

test("a wrong password is refused with a readable message", async ({ page }) => {
  await signIn(page, admin.email, "not-the-password");
  await expect(page.getByRole("alert")).toContainText("Email or password is incorrect.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("enrol TOTP, then sign in with password and code, then sign out", async ({ page }) => {
  await signIn(page, demo.totpUser);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  await page.goto("/account");
  await page.getByRole("button", { name: "Set up two-step verification" }).click();
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const enrolmentStep = Math.floor(Date.now() / 30_000);
  await page.getByLabel("Code from the app").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByText("Status: On")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, demo.totpUser);
  await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByLabel("Authentication code")).toHaveAccessibleDescription(/not valid/);
  // A code is accepted once only: if enrolment used this 30-second step's code, wait for the next step.
  if (Math.floor(Date.now() / 30_000) === enrolmentStep) await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 200);
  await page.getByLabel("Authentication code").fill(totp(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("an ended session goes to sign-in and returns to the page afterwards", async ({ page, context }) => {
  await signIn(page, demo.mspAdmin);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  const auditUrl = page.url();

  await context.clearCookies();
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/sign-in\?expired=1&returnTo=/);
  await expect(page.getByText("Your session has ended")).toBeVisible();

  await page.getByLabel("Email").fill(demo.mspAdmin);
  await page.getByLabel("Password").fill(credentials.demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  expect(page.url()).toBe(auditUrl.replace(/audit$/, "users"));
});
