import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FormField } from "./FormField";

describe("FormField", () => {
  it("links the label to its control", () => {
    render(
      <FormField label="Email">
        <input type="email" />
      </FormField>,
    );

    const input = screen.getByLabelText("Email");
    expect(input).toBeInstanceOf(HTMLInputElement);
    expect(input).toHaveAttribute("type", "email");
    expect(input.id).not.toBe("");
    expect(input).not.toHaveAttribute("aria-invalid");
    expect(input).not.toHaveAttribute("aria-describedby");
  });

  it("marks the control invalid and describes it by the error", () => {
    render(
      <FormField label="Email" error="Enter your email address.">
        <input />
      </FormField>,
    );

    const input = screen.getByRole("textbox", { name: "Email" });
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("Enter your email address.");
    const errorId = input.getAttribute("aria-describedby")!;
    expect(document.getElementById(errorId)).toHaveTextContent("Enter your email address.");
  });

  it("describes the control by its hint", () => {
    render(
      <FormField label="Name" hint="Shown to other members.">
        <input />
      </FormField>,
    );

    const input = screen.getByRole("textbox", { name: "Name" });
    expect(input).toHaveAccessibleDescription("Shown to other members.");
    expect(input).not.toHaveAttribute("aria-invalid");
  });

  it("describes the control by the hint and then the error", () => {
    render(
      <FormField label="Password" hint="At least 12 characters." error="Too short.">
        <input type="password" />
      </FormField>,
    );

    const input = screen.getByLabelText("Password");
    const ids = input.getAttribute("aria-describedby")!.split(" ");
    expect(ids).toHaveLength(2);
    expect(ids.map((id) => document.getElementById(id)?.textContent)).toEqual(["At least 12 characters.", "Too short."]);
    expect(input).toHaveAccessibleDescription("At least 12 characters. Too short.");
  });

  it("gives each field its own id", () => {
    render(
      <>
        <FormField label="First" error="Required.">
          <input />
        </FormField>
        <FormField label="Second" error="Required.">
          <input />
        </FormField>
      </>,
    );

    const first = screen.getByRole("textbox", { name: "First" });
    const second = screen.getByRole("textbox", { name: "Second" });
    expect(first.id).not.toBe(second.id);
    expect(first.getAttribute("aria-describedby")).not.toBe(second.getAttribute("aria-describedby"));
  });

  it("works for a select", () => {
    render(
      <FormField label="Role" error="Choose a role.">
        <select>
          <option>admin</option>
        </select>
      </FormField>,
    );
    expect(screen.getByRole("combobox", { name: "Role" })).toHaveAccessibleDescription("Choose a role.");
  });
});
