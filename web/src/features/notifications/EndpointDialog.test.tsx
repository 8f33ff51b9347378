import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken, type Schemas } from "../../api/client";
import { json, serveRoutes, servePost } from "../../test/http";
import { EndpointDialog, SigningSecretDialog } from "./EndpointDialog";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const path = "/api/v1/tenants/t-1/notifications/endpoints";
const eventTypes: Schemas["EventTypeResponse"][] = [
  { key: "drift.detected", title: "Drift detected", defaultSeverity: "high", description: "" },
  { key: "ioc.hit", title: "Threat-intelligence match", defaultSeverity: "critical", description: "" },
];

const endpoint: Schemas["EndpointResponse"] = {
  id: "e-1",
  name: "SIEM",
  kind: "webhook",
  urlHint: "https://siem.example/…",
  eventTypes: [],
  minSeverity: "medium",
  enabled: true,
  signed: true,
  previousSecretExpiresAt: null,
  createdAt: "2026-01-01T00:00:00Z",
};

function renderDialog(existing?: Schemas["EndpointResponse"]) {
  const onSaved = vi.fn(async () => {});
  const onClose = vi.fn();
  const view = render(<EndpointDialog tenantId="t-1" endpoint={existing} eventTypes={eventTypes} onSaved={onSaved} onClose={onClose} />);
  return { onSaved, onClose, user: userEvent.setup(), ...view };
}

const form = () => screen.getByRole("dialog", { name: "Add endpoint" });

beforeEach(() => {
  fetchMock.mockReset();
  forgetAntiforgeryToken();
});

describe("EndpointDialog", () => {
  it("adds a webhook and shows its signing secret once, in place of the form, until closed", async () => {
    const posted = servePost(fetchMock, path, () => json(201, { endpoint, secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0" }));
    const { user, onSaved, onClose, rerender } = renderDialog();

    await user.type(screen.getByLabelText("Name"), " SIEM ");
    await user.type(screen.getByLabelText("URL"), "https://siem.example/hook?token=abc");
    await user.click(screen.getByLabelText("Threat-intelligence match"));
    await user.selectOptions(screen.getByLabelText("Least severity"), "High");
    await user.click(within(form()).getByRole("button", { name: "Add endpoint" }));

    const shown = await screen.findByRole("dialog", { name: "Signing secret of SIEM" });
    expect(posted).toEqual([
      { name: "SIEM", kind: "webhook", url: "https://siem.example/hook?token=abc", secret: null, eventTypes: ["ioc.hit"], minSeverity: "high", enabled: true },
    ]);
    expect(onSaved).toHaveBeenCalledWith(endpoint);
    expect(screen.queryByRole("dialog", { name: "Add endpoint" })).not.toBeInTheDocument();
    expect(within(shown).getByTestId("secret-once")).toHaveValue("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0");
    expect(within(shown).getByText(/you will not see it again/)).toBeInTheDocument();
    expect(within(shown).getByText("It will not be shown again.")).toBeInTheDocument();

    await user.click(within(shown).getByRole("button", { name: "Done" }));
    expect(onClose).toHaveBeenCalledTimes(1);
    // The page unmounts the dialog on close: the secret is gone with it.
    rerender(<></>);
    expect(screen.queryByTestId("secret-once")).not.toBeInTheDocument();
  });

  it("adds a Slack endpoint without a secret and closes", async () => {
    const posted = servePost(fetchMock, path, () => json(201, { endpoint: { ...endpoint, kind: "slack", signed: false, name: "#alerts" }, secret: null }));
    const { user, onClose } = renderDialog();

    await user.type(screen.getByLabelText("Name"), "#alerts");
    await user.selectOptions(screen.getByLabelText("Kind"), "Slack");
    expect(screen.queryByLabelText("Signing secret (optional)")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("URL"), "https://hooks.slack.com/services/x");
    await user.click(within(form()).getByRole("button", { name: "Add endpoint" }));

    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(posted).toEqual([expect.objectContaining({ kind: "slack", secret: null, eventTypes: [], minSeverity: "medium" })]);
    expect(screen.queryByTestId("secret-once")).not.toBeInTheDocument();
  });

  it("puts the server's refusal of the URL next to it and shows no secret", async () => {
    servePost(fetchMock, path, () =>
      json(400, { title: "One or more validation errors occurred.", status: 400, errors: { url: ["must use https."] } }, "application/problem+json"),
    );
    const { user, onSaved } = renderDialog();

    await user.type(screen.getByLabelText("Name"), "Local");
    await user.type(screen.getByLabelText("URL"), "http://10.0.0.5/hook");
    await user.click(within(form()).getByRole("button", { name: "Add endpoint" }));

    expect(await screen.findByText("must use https.")).toBeInTheDocument();
    expect(screen.getByLabelText("URL")).toHaveAttribute("aria-invalid", "true");
    expect(onSaved).not.toHaveBeenCalled();
    expect(screen.queryByTestId("secret-once")).not.toBeInTheDocument();
  });

  it("changes an endpoint with a PATCH that keeps the URL when none is entered", async () => {
    const served = serveRoutes(fetchMock, { [`PATCH ${path}/e-1`]: () => json(200, { ...endpoint, minSeverity: "critical" }) });
    const { user, onClose, onSaved } = renderDialog(endpoint);

    expect(screen.getByLabelText("Kind")).toHaveValue("Webhook");
    await user.selectOptions(screen.getByLabelText("Least severity"), "Critical");
    await user.click(screen.getByLabelText("Drift detected"));
    await user.click(screen.getByRole("button", { name: "Save" }));

    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ minSeverity: "critical" }));
    expect(served.map((r) => r.body)).toEqual([{ name: "SIEM", eventTypes: ["drift.detected"], minSeverity: "critical" }]);
  });
});

describe("SigningSecretDialog", () => {
  it("after a rotation explains until when both secrets sign", () => {
    render(<SigningSecretDialog endpoint={{ ...endpoint, previousSecretExpiresAt: "2026-01-02T00:00:00Z" }} secret="whsec_new" rotated onClose={() => {}} />);
    expect(screen.getByTestId("secret-once")).toHaveValue("whsec_new");
    expect(screen.getByText("Both secrets sign for 24 hours")).toBeInTheDocument();
    expect(screen.getByText(/carries a signature under the old secret and one under the new/)).toBeInTheDocument();
  });
});
