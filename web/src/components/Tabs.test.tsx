import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Tabs } from "./Tabs";

const tabs = [
  { id: "boot", label: "Boot" },
  { id: "services", label: "Services" },
  { id: "network", label: "Network" },
] as const;
type Id = (typeof tabs)[number]["id"];

function Harness({ initial = "services" }: { initial?: Id }) {
  const [selected, setSelected] = useState<Id>(initial);
  return (
    <>
      <button type="button">Before</button>
      <Tabs label="Categories" tabs={tabs} selected={selected} onSelect={setSelected}>
        <p>Content of {selected}</p>
      </Tabs>
    </>
  );
}

const tab = (name: string) => screen.getByRole("tab", { name });

describe("Tabs", () => {
  it("is a named tab list whose selected tab controls the one panel, which it labels", () => {
    render(<Harness />);
    expect(screen.getByRole("tablist", { name: "Categories" })).toBeInTheDocument();
    expect(screen.getAllByRole("tab")).toHaveLength(3);
    expect(tab("Services")).toHaveAttribute("aria-selected", "true");
    expect(tab("Boot")).toHaveAttribute("aria-selected", "false");

    const panel = screen.getByRole("tabpanel", { name: "Services" });
    expect(panel).toHaveTextContent("Content of services");
    expect(tab("Services")).toHaveAttribute("aria-controls", panel.id);
    // Only the shown panel exists, so only its tab points at it.
    expect(tab("Boot")).not.toHaveAttribute("aria-controls");
  });

  it("keeps only the selected tab in the Tab order, then the panel", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    expect(tab("Services")).toHaveAttribute("tabindex", "0");
    expect(tab("Boot")).toHaveAttribute("tabindex", "-1");

    await user.click(screen.getByRole("button", { name: "Before" }));
    await user.tab();
    expect(tab("Services")).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("tabpanel")).toHaveFocus();
  });

  it("moves selection and focus with the arrow keys, wrapping at both ends", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    tab("Services").focus();

    await user.keyboard("{ArrowRight}");
    expect(tab("Network")).toHaveFocus();
    expect(tab("Network")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel", { name: "Network" })).toHaveTextContent("Content of network");

    await user.keyboard("{ArrowRight}");
    expect(tab("Boot")).toHaveFocus();
    expect(tab("Boot")).toHaveAttribute("aria-selected", "true");

    await user.keyboard("{ArrowLeft}");
    expect(tab("Network")).toHaveFocus();
    await user.keyboard("{ArrowLeft}");
    expect(tab("Services")).toHaveFocus();
    expect(tab("Services")).toHaveAttribute("tabindex", "0");
    expect(tab("Network")).toHaveAttribute("tabindex", "-1");
  });

  it("goes to the first and last tab with Home and End, and selects a clicked tab", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    tab("Services").focus();

    await user.keyboard("{End}");
    expect(tab("Network")).toHaveFocus();
    expect(tab("Network")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Home}");
    expect(tab("Boot")).toHaveFocus();
    expect(tab("Boot")).toHaveAttribute("aria-selected", "true");

    await user.click(tab("Services"));
    expect(tab("Services")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel")).toHaveTextContent("Content of services");
  });

  it("leaves other keys alone", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    tab("Services").focus();
    await user.keyboard("{ArrowDown}x");
    expect(tab("Services")).toHaveFocus();
    expect(tab("Services")).toHaveAttribute("aria-selected", "true");
  });
});
