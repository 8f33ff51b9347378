import { describe, expect, it } from "vitest";
import { consoleLink, foldedLabel } from "./words";

describe("consoleLink", () => {
  it("puts a path of the tenant's pages under the tenant", () => {
    expect(consoleLink("t-1", "/assets/a-1")).toBe("/t/t-1/assets/a-1");
  });

  it("keeps a path that already names a tenant", () => {
    expect(consoleLink("t-1", "/t/t-2/assets/a-1")).toBe("/t/t-2/assets/a-1");
  });
});

describe("foldedLabel", () => {
  it("counts the first notification and those folded into it", () => {
    expect(foldedLabel(0)).toBeNull();
    expect(foldedLabel(1)).toBe("×2 identical");
    expect(foldedLabel(41)).toBe("×42 identical");
  });
});
