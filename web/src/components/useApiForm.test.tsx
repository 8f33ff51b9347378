import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiProblem } from "../api/problems";
import { FormField } from "./FormField";
import { useApiForm, type FieldPlacement } from "./useApiForm";

const schema = z.object({
  email: z.string().trim().min(1, "Enter an email address.").email("Enter a valid email address."),
  displayName: z.string().trim().min(1, "Enter a name."),
});
type Values = z.infer<typeof schema>;

function InviteForm({ action, place }: { action: (values: Values) => Promise<unknown>; place?: FieldPlacement }) {
  const form = useApiForm(schema, { email: "", displayName: "" });
  const { errors } = form.formState;
  return (
    <form onSubmit={form.submitWith(action, place)} noValidate>
      <FormField label="Email" error={errors.email?.message}>
        <input {...form.register("email")} />
      </FormField>
      <FormField label="Name" error={errors.displayName?.message}>
        <input {...form.register("displayName")} />
      </FormField>
      {errors.root && <p role="alert">{errors.root.message}</p>}
      <button type="submit">Invite</button>
    </form>
  );
}

async function fillAndSubmit(action: (values: Values) => Promise<unknown>, email = "ada@example.com", name = "Ada") {
  const user = userEvent.setup();
  render(<InviteForm action={action} />);
  if (email) await user.type(screen.getByRole("textbox", { name: "Email" }), email);
  if (name) await user.type(screen.getByRole("textbox", { name: "Name" }), name);
  await user.click(screen.getByRole("button", { name: "Invite" }));
  return user;
}

const email = () => screen.getByRole("textbox", { name: "Email" });
const name = () => screen.getByRole("textbox", { name: "Name" });

describe("useApiForm", () => {
  it("shows the schema's messages under the fields and does not call the API", async () => {
    const action = vi.fn(async () => {});
    await fillAndSubmit(action, "", "");

    expect(await screen.findByText("Enter an email address.")).toBeInTheDocument();
    expect(email()).toHaveAttribute("aria-invalid", "true");
    expect(email()).toHaveAccessibleDescription("Enter an email address.");
    expect(name()).toHaveAccessibleDescription("Enter a name.");
    expect(action).not.toHaveBeenCalled();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows a format error from the schema", async () => {
    const action = vi.fn(async () => {});
    await fillAndSubmit(action, "not-an-email");

    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();
    expect(name()).not.toHaveAttribute("aria-invalid");
    expect(action).not.toHaveBeenCalled();
  });

  it("passes the parsed (trimmed) values to the action", async () => {
    const action = vi.fn(async () => {});
    await fillAndSubmit(action, "  ada@example.com ", " Ada ");

    expect(action).toHaveBeenCalledExactlyOnceWith({ email: "ada@example.com", displayName: "Ada" });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows a problem's field error on the field it names", async () => {
    const action = vi.fn(async () => {
      throw new ApiProblem(400, "One or more validation errors occurred.", undefined, { email: ["is taken."] });
    });
    await fillAndSubmit(action);

    expect(await screen.findByText("is taken.")).toBeInTheDocument();
    expect(email()).toHaveAttribute("aria-invalid", "true");
    expect(email()).toHaveAccessibleDescription("is taken.");
    expect(name()).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("joins several messages for one field", async () => {
    await fillAndSubmit(async () => {
      throw new ApiProblem(400, "Invalid", undefined, { displayName: ["is too long.", "has control characters."] });
    });
    expect(await screen.findByText("is too long. has control characters.")).toBeInTheDocument();
    expect(name()).toHaveAttribute("aria-invalid", "true");
  });

  it("shows a problem without field errors as the form's error", async () => {
    await fillAndSubmit(async () => {
      throw new ApiProblem(403, "Forbidden", "You cannot invite users to this tenant.");
    });

    expect(await screen.findByRole("alert")).toHaveTextContent("You cannot invite users to this tenant.");
    expect(email()).not.toHaveAttribute("aria-invalid");
  });

  it("uses the title when the problem has no detail", async () => {
    await fillAndSubmit(async () => {
      throw new ApiProblem(409, "Conflict");
    });
    expect(await screen.findByRole("alert")).toHaveTextContent(/^Conflict$/);
  });

  it("puts an error for a field the form does not have into the form's error", async () => {
    await fillAndSubmit(async () => {
      throw new ApiProblem(400, "Validation failed", undefined, { email: ["is taken."], tenantId: ["is not a tenant."] });
    });

    expect(await screen.findByRole("alert")).toHaveTextContent(/^Validation failed Tenant id is not a tenant\.$/);
    expect(email()).toHaveAccessibleDescription("is taken.");
  });

  it("shows a network failure as the form's error", async () => {
    await fillAndSubmit(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server cannot be reached. Check your connection and try again.");
  });

  it("lets the user submit again after a server error", async () => {
    const action = vi
      .fn()
      .mockRejectedValueOnce(new ApiProblem(400, "Invalid", undefined, { email: ["is taken."] }))
      .mockResolvedValueOnce(undefined);
    const user = await fillAndSubmit(action);
    expect(await screen.findByText("is taken.")).toBeInTheDocument();

    await user.clear(email());
    await user.type(email(), "grace@example.com");
    await user.click(screen.getByRole("button", { name: "Invite" }));

    expect(action).toHaveBeenCalledTimes(2);
    expect(action).toHaveBeenLastCalledWith({ email: "grace@example.com", displayName: "Ada" });
    expect(screen.queryByText("is taken.")).not.toBeInTheDocument();
  });

  it("places field errors where the form's mapping says, and the rest in the form's error", async () => {
    const user = userEvent.setup();
    const place: FieldPlacement = (field) => (field === "invitee.address" ? "email" : undefined);
    render(
      <InviteForm
        place={place}
        action={async () => {
          throw new ApiProblem(400, "Invalid", undefined, { "invitee.address": ["is taken."], email: ["is not sent as email."] });
        }}
      />,
    );
    await user.type(email(), "ada@example.com");
    await user.type(name(), "Ada");
    await user.click(screen.getByRole("button", { name: "Invite" }));

    expect(await screen.findByText("is taken.")).toBeInTheDocument();
    expect(email()).toHaveAccessibleDescription("is taken.");
    expect(screen.getByRole("alert")).toHaveTextContent(/^Invalid Email is not sent as email\.$/);
  });
});
