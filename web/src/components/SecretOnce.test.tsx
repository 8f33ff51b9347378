import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SecretOnce } from "./SecretOnce";

describe("SecretOnce", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("says Copied only after the clipboard took the secret", async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    render(<SecretOnce label="API token" value="tnt_secret" />);

    await user.click(screen.getByRole("button", { name: "Copy" }));

    expect(writeText).toHaveBeenCalledWith("tnt_secret");
    expect(screen.getByRole("button", { name: "Copied" })).toBeInTheDocument();
  });

  it("without a clipboard (plain HTTP) says so and selects the secret instead of claiming a copy", async () => {
    const user = userEvent.setup();
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    render(<SecretOnce label="API token" value="tnt_secret" />);

    await user.click(screen.getByRole("button", { name: "Copy" }));

    expect(screen.queryByRole("button", { name: "Copied" })).not.toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("press Ctrl+C");
    const input = screen.getByLabelText<HTMLInputElement>("API token");
    expect(input.selectionStart).toBe(0);
    expect(input.selectionEnd).toBe("tnt_secret".length);
  });

  it("reports a refused copy the same way", async () => {
    const user = userEvent.setup();
    Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(async () => Promise.reject(new Error("denied"))) }, configurable: true });
    render(<SecretOnce label="API token" value="tnt_secret" />);

    await user.click(screen.getByRole("button", { name: "Copy" }));

    expect(screen.getByRole("status")).toHaveTextContent("did not allow copying");
  });
});
