import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format";

describe("formatDuration", () => {
  it("names the largest unit and the next one when it is not zero", () => {
    expect(formatDuration(3 * 86_400 + 4 * 3_600 + 59)).toBe("3 d 4 h");
    expect(formatDuration(3 * 86_400 + 5 * 60)).toBe("3 d");
    expect(formatDuration(2 * 3_600 + 15 * 60)).toBe("2 h 15 min");
    expect(formatDuration(900)).toBe("15 min");
    expect(formatDuration(61)).toBe("1 min 1 s");
    expect(formatDuration(45)).toBe("45 s");
  });

  it("says 0 s for nothing or less", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(-5)).toBe("0 s");
  });
});

describe("formatBytes", () => {
  it("uses the largest binary unit with one decimal below ten", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1_263_443)).toBe("1.2 MiB");
    expect(formatBytes(52 * 1024 * 1024)).toBe("52 MiB");
  });
});
