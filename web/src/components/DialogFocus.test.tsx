import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Dialog } from "./Dialog";

/** A page with a main region, a button that opens a dialog, and an action that may remove that button. */
function Page({ removesOpener }: { removesOpener: boolean }) {
  const [open, setOpen] = useState(false);
  const [openerShown, setOpenerShown] = useState(true);
  return (
    <main id="main" tabIndex={-1}>
      {openerShown && <button onClick={() => setOpen(true)}>Revoke token</button>}
      <Dialog open={open} title="Revoke?" onClose={() => setOpen(false)}>
        <button
          onClick={() => {
            setOpen(false);
            if (removesOpener) setOpenerShown(false);
          }}
        >
          Confirm
        </button>
      </Dialog>
    </main>
  );
}

describe("Dialog focus", () => {
  it("returns focus to the control that opened it", async () => {
    const user = userEvent.setup();
    render(<Page removesOpener={false} />);

    await user.click(screen.getByRole("button", { name: "Revoke token" }));
    await user.click(screen.getByRole("button", { name: "Confirm" }));

    await waitFor(() => expect(screen.getByRole("button", { name: "Revoke token" })).toHaveFocus());
  });

  it("moves focus to the main region when the opener is gone", async () => {
    const user = userEvent.setup();
    render(<Page removesOpener />);

    await user.click(screen.getByRole("button", { name: "Revoke token" }));
    await user.click(screen.getByRole("button", { name: "Confirm" }));

    await waitFor(() => expect(screen.getByRole("main")).toHaveFocus());
    expect(screen.queryByRole("button", { name: "Revoke token" })).not.toBeInTheDocument();
  });
});
