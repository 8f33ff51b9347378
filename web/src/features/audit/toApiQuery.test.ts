import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toApiQuery } from "./AuditRecordsTable";

// A zone with daylight saving time, so that the 23- and 25-hour days are real.
beforeAll(() => {
  vi.stubEnv("TZ", "Europe/Berlin");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const base = { page: 1, pageSize: 50 };

describe("toApiQuery", () => {
  it("runs in Europe/Berlin", () => {
    expect(new Date("2024-01-15T00:00:00").toISOString()).toBe("2024-01-14T23:00:00.000Z");
    expect(new Date("2024-07-15T00:00:00").toISOString()).toBe("2024-07-14T22:00:00.000Z");
  });

  it("turns the local 'from' day into the UTC instant of its midnight", () => {
    expect(toApiQuery({ ...base, from: "2024-01-15" }).from).toBe("2024-01-14T23:00:00.000Z");
    expect(toApiQuery({ ...base, from: "2024-07-15" }).from).toBe("2024-07-14T22:00:00.000Z");
  });

  it("moves the local 'to' day to its end, the next local midnight", () => {
    expect(toApiQuery({ ...base, to: "2024-01-31" }).to).toBe("2024-01-31T23:00:00.000Z");
    expect(toApiQuery({ ...base, to: "2024-07-31" }).to).toBe("2024-07-31T22:00:00.000Z");
    expect(toApiQuery({ ...base, to: "2024-12-31" }).to).toBe("2024-12-31T23:00:00.000Z");
  });

  it("ends a 23-hour day (clocks go forward) at the next midnight", () => {
    // 31 March 2024 runs from 00:00 CET (23:00Z the day before) to 00:00 CEST (22:00Z).
    expect(toApiQuery({ ...base, to: "2024-03-31" }).to).toBe("2024-03-31T22:00:00.000Z");
  });

  it("ends a 25-hour day (clocks go back) at the next midnight, keeping its last hour", () => {
    // 27 October 2024 runs from 00:00 CEST (22:00Z the day before) to 00:00 CET (23:00Z).
    expect(toApiQuery({ ...base, to: "2024-10-27" }).to).toBe("2024-10-27T23:00:00.000Z");
  });

  it("passes the other parameters through and leaves unset dates out", () => {
    const query = toApiQuery({ page: 2, pageSize: 100, sort: "-occurredAt", q: "sign-in", action: "user.created", outcome: "denied" });
    expect(query).toEqual({
      page: 2,
      pageSize: 100,
      sort: "-occurredAt",
      q: "sign-in",
      action: "user.created",
      outcome: "denied",
      from: undefined,
      to: undefined,
    });
  });

  it("gives a one-day range for from and to on the same day", () => {
    const { from, to } = toApiQuery({ ...base, from: "2024-05-01", to: "2024-05-01" });
    expect(from).toBe("2024-04-30T22:00:00.000Z");
    expect(to).toBe("2024-05-01T22:00:00.000Z");
  });

  it("leaves out dates that are not YYYY-MM-DD days instead of failing", () => {
    expect(toApiQuery({ ...base, from: "garbage", to: "2024-13-45" })).toMatchObject({ from: undefined, to: undefined });
    expect(toApiQuery({ ...base, from: "2024-5-1" }).from).toBeUndefined();
  });
});
