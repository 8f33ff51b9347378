import { createHmac } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { credentials } from "./servers";

/** Demo users by role (DemoSeeder's fixed names). */
export const demo = {
  mspAdmin: "amelia.hart@northwind.example",
  /** An MSP analyst over all customers, until the memberships spec limits them to one. */
  mspAnalyst: "bruno.castillo@northwind.example",
  mspTechnician: "chen.wei@northwind.example",
  contosoAdmin: "farah.haddad@contoso.example",
  contosoViewer: "hana.sato@contoso.example",
  fabrikamAdmin: "kofi.mensah@fabrikam.example",
  /** Enrols TOTP in the sign-in spec; no other spec signs in as this user. */
  totpUser: "elif.yilmaz@northwind.example",
};

export async function signIn(page: Page, email: string, password = credentials.demoPassword) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits until the shell shows the first page (its main heading). */
export async function signInToShell(page: Page, email: string, password = credentials.demoPassword) {
  await signIn(page, email, password);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.locator("main h1")).toBeVisible();
}

export async function tenantIdByName(page: Page, name: string): Promise<string> {
  const me = await (await page.request.get("/api/v1/auth/me")).json();
  const own = me.memberships.find((m: { tenantName: string }) => m.tenantName === name);
  if (own) return own.tenantId;
  for (const m of me.memberships.filter((x: { tenantKind: string }) => x.tenantKind === "msp")) {
    const customers = await (await page.request.get(`/api/v1/msps/${m.tenantId}/customers?q=${encodeURIComponent(name)}`)).json();
    const found = customers.items.find((c: { name: string }) => c.name === name);
    if (found) return found.id;
  }
  throw new Error(`No tenant named ${name} for this user.`);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a Base32 secret, as an authenticator app computes it. */
export function totp(base32Secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  const code = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, "0");
}
