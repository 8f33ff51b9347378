import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetAntiforgeryToken } from "../../api/client";
import { RequestExport } from "./RequestExport";
import { json, servePost } from "../../test/http";

// openapi-fetch keeps the `fetch` it finds when the client is created (on import): stub it first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

/** The bodies POSTed to the exports endpoint, in order. */
let posted: unknown[];

function serve(answer: () => Response) {
  posted = servePost(fetchMock, "/api/v1/tenants/t-1/exports", answer);
}

function renderDialog(filters: Record<string, string | undefined>) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <RequestExport tenantId="t-1" dataset="audit-records" title="Audit trail" filters={filters} onClose={() => {}} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  forgetAntiforgeryToken();
});

describe("RequestExport", () => {
  it("sends the chosen format and only the filters that are set, then points to the Exports page", async () => {
    serve(() => json(202, { id: "e-1", status: "queued" }));
    renderDialog({ outcome: "success", action: undefined, q: "" });

    expect(screen.getByText("With the list's filter applied.")).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText(/^ZIP/));
    await userEvent.click(screen.getByRole("button", { name: "Start export" }));

    expect(await screen.findByRole("link", { name: "Exports page" })).toHaveAttribute("href", "/t/t-1/exports");
    expect(posted).toEqual([{ dataset: "audit-records", format: "zip", filters: { outcome: "success" } }]);
  });

  it("shows the server's refusal in the dialog and stays on the form", async () => {
    serve(() => json(403, { title: "Forbidden", status: 403, detail: "Exporting audit trail needs the audit:read permission." }, "application/problem+json"));
    renderDialog({});

    expect(screen.getByText("Everything, without filters.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Start export" }));

    expect(await screen.findByText(/needs the audit:read permission/)).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Exports page" })).toBeNull();
    expect(posted).toHaveLength(1);
  });
});
