import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { CreateEnrollmentToken } from "./CreateEnrollmentToken";
import { json, servePost } from "../../test/http";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import), so the stub
// must be in place before the imports above run.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const created: Schemas["CreatedEnrollmentTokenResponse"] = {
  enrollmentToken: {
    id: "token-1",
    label: "Head office",
    prefix: "tne_abcdefgh",
    status: "active",
    createdAt: "2025-06-01T12:00:00Z",
    expiresAt: null,
    maxUses: null,
    uses: 0,
    assetGroupId: "group-2",
    revokedAt: null,
  },
  token: "tne_abcdefgh_the-secret",
  installInstructions: {
    linux: "tenantra-agent enroll --server https://tenantra.example --token tne_abcdefgh_the-secret",
    windows: '& "$env:ProgramFiles\\Tenantra\\tenantra-agent.exe" enroll --server https://tenantra.example --token tne_abcdefgh_the-secret',
  },
};

const groups = [
  { id: "group-1", name: "Clinics", assetCount: 3 },
  { id: "group-2", name: "Head office", assetCount: 0 },
];

/** The bodies POSTed to the enrollment-token endpoint, in order. */
let posted: unknown[];

function serve(answer: () => Response) {
  posted = servePost(fetchMock, "/api/v1/tenants/tenant-1/enrollment-tokens", answer);
}

function renderDialog() {
  const onCreated = vi.fn(async () => {});
  const onClose = vi.fn();
  render(<CreateEnrollmentToken tenantId="tenant-1" groups={groups} onCreated={onCreated} onClose={onClose} />);
  return { onCreated, onClose, user: userEvent.setup() };
}

const form = () => screen.getByRole("dialog", { name: "Create enrollment token" });

describe("CreateEnrollmentToken", () => {
  beforeEach(() => {
    fetchMock.mockReset();
    forgetAntiforgeryToken();
  });

  it("checks the fields in the browser before calling the server", async () => {
    serve(() => json(201, created));
    const { user } = renderDialog();

    await user.click(within(form()).getByRole("button", { name: "Create" }));
    expect(await screen.findByText("Name the token after where it is used, e.g. the office or the rollout.")).toBeInTheDocument();
    expect(screen.getByLabelText("Label")).toHaveAttribute("aria-invalid", "true");

    await user.type(screen.getByLabelText("Label"), "Head office");
    await user.clear(screen.getByLabelText("Expires after (days)"));
    await user.type(screen.getByLabelText("Expires after (days)"), "400");
    await user.type(screen.getByLabelText("Maximum uses"), "0");
    await user.click(within(form()).getByRole("button", { name: "Create" }));
    expect(await screen.findByLabelText("Expires after (days)")).toHaveAccessibleDescription("At most 365 days.");
    expect(screen.getByLabelText("Maximum uses")).toHaveAccessibleDescription("Empty for no limit. At least 1.");

    await user.clear(screen.getByLabelText("Expires after (days)"));
    await user.clear(screen.getByLabelText("Maximum uses"));
    await user.click(within(form()).getByRole("button", { name: "Create" }));
    expect(await screen.findByLabelText("Expires after (days)")).toHaveAccessibleDescription("Enter a number of days, or choose that it never expires.");
    expect(posted).toEqual([]);
  });

  it("sends a limited token with no group as the server expects", async () => {
    serve(() => json(201, { ...created, enrollmentToken: { ...created.enrollmentToken, expiresAt: "2025-07-01T12:00:00Z", maxUses: 25 } }));
    const { user, onCreated } = renderDialog();

    await user.type(screen.getByLabelText("Label"), "  Branch rollout ");
    await user.type(screen.getByLabelText("Maximum uses"), "25");
    await user.click(within(form()).getByRole("button", { name: "Create" }));

    expect(await screen.findByRole("dialog", { name: /created/ })).toBeInTheDocument();
    expect(posted).toEqual([{ label: "Branch rollout", expiresInDays: 30, maxUses: 25, assetGroupId: null }]);
    expect(onCreated).toHaveBeenCalledTimes(1);
  });

  it("warns that a token that never expires is flagged, and sends it without an expiry", async () => {
    serve(() => json(201, created));
    const { user } = renderDialog();

    await user.type(screen.getByLabelText("Label"), "Head office");
    expect(screen.queryByText(/never expire are flagged/)).not.toBeInTheDocument();
    await user.click(screen.getByLabelText("Never expires"));
    expect(screen.getByRole("status")).toHaveTextContent("Tokens that never expire are flagged");
    expect(screen.getByLabelText("Expires after (days)")).toBeDisabled();
    await user.selectOptions(screen.getByLabelText("Asset group"), "Head office");
    await user.click(within(form()).getByRole("button", { name: "Create" }));

    await screen.findByRole("dialog", { name: "Enrollment token Head office created" });
    expect(posted).toEqual([{ label: "Head office", expiresInDays: null, maxUses: null, assetGroupId: "group-2" }]);
  });

  it("shows the token once with the install commands per operating system, each copyable", async () => {
    serve(() => json(201, created));
    const { user, onClose } = renderDialog();
    // After userEvent.setup, which installs a clipboard of its own.
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });

    await user.type(screen.getByLabelText("Label"), "Head office");
    await user.click(within(form()).getByRole("button", { name: "Create" }));

    const result = await screen.findByRole("dialog", { name: "Enrollment token Head office created" });
    expect(screen.queryByRole("dialog", { name: "Create enrollment token" })).not.toBeInTheDocument();
    expect(within(result).getByTestId("secret-once")).toHaveValue("tne_abcdefgh_the-secret");
    expect(within(result).getByText("It will not be shown again.")).toBeInTheDocument();
    expect(within(result).getByRole("region", { name: "Linux install commands" })).toHaveTextContent(created.installInstructions.linux!);
    expect(within(result).getByRole("region", { name: "Windows install commands" })).toHaveTextContent(created.installInstructions.windows!);

    await user.click(within(result).getByRole("button", { name: "Copy Windows commands" }));
    expect(writeText).toHaveBeenCalledWith(created.installInstructions.windows);
    expect(within(result).getByRole("button", { name: "Copied" })).toBeInTheDocument();

    await user.click(within(result).getByRole("button", { name: "Done" }));
    expect(onClose).toHaveBeenCalled();
  });

  it("puts the server's field errors next to their fields", async () => {
    serve(() =>
      json(
        400,
        { title: "One or more validation errors occurred.", status: 400, errors: { assetGroupId: ["is not an asset group of this tenant."] } },
        "application/problem+json",
      ),
    );
    const { user, onCreated } = renderDialog();

    await user.type(screen.getByLabelText("Label"), "Head office");
    await user.selectOptions(screen.getByLabelText("Asset group"), "Clinics");
    await user.click(within(form()).getByRole("button", { name: "Create" }));

    expect(await screen.findByText("is not an asset group of this tenant.")).toBeInTheDocument();
    expect(screen.getByLabelText("Asset group")).toHaveAttribute("aria-invalid", "true");
    expect(onCreated).not.toHaveBeenCalled();
    expect(screen.queryByTestId("secret-once")).not.toBeInTheDocument();
  });
});
