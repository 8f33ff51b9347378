import { defineConfig } from "@playwright/test";
import { postgresSettings } from "./e2e/global-setup";
import { ports } from "./e2e/servers";

// Debian's Chromium (scripts/test installs it); Playwright's own browser download is not available here.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    browserName: "chromium",
    launchOptions: chromium,
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "sqlite", use: { baseURL: `http://127.0.0.1:${ports.sqlite}` } },
    ...(postgresSettings() ? [{ name: "postgres", testMatch: /sign-in\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${ports.postgres}` } }] : []),
  ],
});
