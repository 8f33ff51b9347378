import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { ApiProblem } from "../api/problems";
import { ConfirmDialog } from "./ConfirmDialog";

/** The dialog as pages use it: open until onClose flips the state. */
function renderConfirm(onConfirm: () => Promise<unknown>) {
  const onClose = vi.fn();
  function Page() {
    const [open, setOpen] = useState(true);
    return (
      <ConfirmDialog
        open={open}
        title="Revoke token"
        confirmLabel="Revoke"
        onConfirm={onConfirm}
        onClose={() => {
          onClose();
          setOpen(false);
        }}
      >
        The token stops working at once.
      </ConfirmDialog>
    );
  }
  const view = render(<Page />);
  return { user: userEvent.setup(), onClose, dialog: view.container.querySelector("dialog")! };
}

describe("ConfirmDialog", () => {
  it("opens with its title, message and buttons", () => {
    const { dialog } = renderConfirm(vi.fn(async () => {}));

    expect(dialog).toHaveAttribute("open");
    expect(screen.getByRole("dialog", { name: "Revoke token" })).toHaveTextContent("The token stops working at once.");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Revoke" })).toBeEnabled();
  });

  it("runs the action, then closes", async () => {
    const order: string[] = [];
    const onConfirm = vi.fn(async () => {
      order.push("confirm");
    });
    const { user, onClose, dialog } = renderConfirm(onConfirm);
    onClose.mockImplementation(() => order.push("close"));

    await user.click(screen.getByRole("button", { name: "Revoke" }));

    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(order).toEqual(["confirm", "close"]);
    // The dialog closes when React re-renders after onClose, which a loaded machine may take a moment to do.
    await waitFor(() => expect(dialog).not.toHaveAttribute("open"));
  });

  it("is busy while the action runs", async () => {
    let finish!: () => void;
    const onConfirm = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const { user, onClose } = renderConfirm(onConfirm);

    await user.click(screen.getByRole("button", { name: "Revoke" }));
    const revoke = screen.getByRole("button", { name: "Revoke" });
    // Busy keeps focus on the button but ignores further clicks: the action runs once.
    expect(revoke).toHaveAttribute("aria-disabled", "true");
    expect(revoke).toHaveAttribute("aria-busy", "true");
    await user.click(revoke);
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onClose).not.toHaveBeenCalled();

    finish();
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
  });

  it("stays open with the server's message when the action fails", async () => {
    const onConfirm = vi.fn(async () => {
      throw new ApiProblem(409, "Conflict", "The token is already revoked.");
    });
    const { user, onClose, dialog } = renderConfirm(onConfirm);

    await user.click(screen.getByRole("button", { name: "Revoke" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("The token is already revoked.");
    expect(onClose).not.toHaveBeenCalled();
    expect(dialog).toHaveAttribute("open");
    expect(screen.getByRole("button", { name: "Revoke" })).toBeEnabled();
  });

  it("clears the message when the action is tried again and succeeds", async () => {
    const onConfirm = vi.fn().mockRejectedValueOnce(new TypeError("Failed to fetch")).mockResolvedValueOnce(undefined);
    const { user, onClose } = renderConfirm(onConfirm);

    await user.click(screen.getByRole("button", { name: "Revoke" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server cannot be reached.");

    await user.click(screen.getByRole("button", { name: "Revoke" }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("closes without the action on Cancel", async () => {
    const onConfirm = vi.fn(async () => {});
    const { user, onClose, dialog } = renderConfirm(onConfirm);

    await user.click(screen.getByRole("button", { name: "Cancel" }));

    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
    await waitFor(() => expect(dialog).not.toHaveAttribute("open"));
  });
});
