import { fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Dialog } from "./Dialog";

function renderDialog(open: boolean, onClose = vi.fn()) {
  const view = render(
    <Dialog open={open} title="Rename tenant" onClose={onClose} footer={<button type="button">Save</button>}>
      <p>Choose a new name.</p>
    </Dialog>,
  );
  const dialog = view.container.querySelector("dialog")!;
  const rerender = (next: boolean) =>
    view.rerender(
      <Dialog open={next} title="Rename tenant" onClose={onClose} footer={<button type="button">Save</button>}>
        <p>Choose a new name.</p>
      </Dialog>,
    );
  return { dialog, rerender, onClose };
}

describe("Dialog without showModal (jsdom)", () => {
  it("has no native modal methods to use here", () => {
    expect(HTMLDialogElement.prototype.showModal).toBeUndefined();
    expect(HTMLDialogElement.prototype.close).toBeUndefined();
  });

  it("opens by setting the open attribute and is named by its title", () => {
    const { dialog } = renderDialog(true);

    expect(dialog).toHaveAttribute("open");
    expect(screen.getByRole("dialog", { name: "Rename tenant" })).toBe(dialog);
    expect(screen.getByText("Choose a new name.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save" })).toBeInTheDocument();
  });

  it("renders nothing inside while closed", () => {
    const { dialog } = renderDialog(false);
    expect(dialog).not.toHaveAttribute("open");
    expect(screen.queryByText("Choose a new name.")).not.toBeInTheDocument();
  });

  it("removes the open attribute when closed and sets it again when reopened", () => {
    const { dialog, rerender } = renderDialog(true);

    rerender(false);
    expect(dialog).not.toHaveAttribute("open");
    expect(screen.queryByText("Choose a new name.")).not.toBeInTheDocument();

    rerender(true);
    expect(dialog).toHaveAttribute("open");
    expect(screen.getByText("Choose a new name.")).toBeInTheDocument();
  });

  it("asks to close on Escape (the cancel event) instead of closing itself", () => {
    const { dialog, onClose } = renderDialog(true);

    const notCancelled = fireEvent(dialog, new Event("cancel", { cancelable: true }));

    expect(notCancelled).toBe(false);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(dialog).toHaveAttribute("open");
  });
});

describe("Dialog with showModal (browsers)", () => {
  afterEach(() => {
    delete (HTMLDialogElement.prototype as Partial<HTMLDialogElement>).showModal;
    delete (HTMLDialogElement.prototype as Partial<HTMLDialogElement>).close;
  });

  it("opens as a modal and closes through the native methods", () => {
    const showModal = vi.fn(function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    });
    const close = vi.fn(function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    });
    Object.assign(HTMLDialogElement.prototype, { showModal, close });

    const { dialog, rerender } = renderDialog(true);
    expect(showModal).toHaveBeenCalledTimes(1);
    expect(showModal.mock.contexts[0]).toBe(dialog);
    expect(dialog).toHaveAttribute("open");

    rerender(false);
    expect(close).toHaveBeenCalledTimes(1);
    expect(dialog).not.toHaveAttribute("open");
  });
});
