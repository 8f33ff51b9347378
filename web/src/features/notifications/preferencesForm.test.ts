import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { builtInRule, defaultRow, preferencesFieldPath, preferencesSchema, toFormValues, toRequestBody } from "./preferencesForm";

const loaded: Schemas["PreferencesResponse"] = {
  userId: "user-1",
  rules: [
    { eventType: "drift.detected", channels: ["inApp", "email"], minSeverity: "medium", inherited: true },
    { eventType: "ioc.hit", channels: ["inApp"], minSeverity: "high", inherited: false },
    { eventType: "agent.offline", channels: [], minSeverity: "medium", inherited: false },
    { eventType: "invoice.issued", channels: ["email"], minSeverity: "info", inherited: true },
  ],
  digest: "hourly",
  quietHoursStart: "22:00",
  quietHoursEnd: "07:00",
  criticalBypassesQuietHours: true,
  throttleMinutes: 15,
  usesTenantSchedule: false,
  timeZone: "Europe/Berlin",
};

describe("toFormValues", () => {
  it("makes one row per event type, own where it is not inherited", () => {
    const values = toFormValues(loaded);
    expect(values.rules).toEqual([
      { eventType: "drift.detected", inApp: true, email: true, minSeverity: "medium", own: false },
      { eventType: "ioc.hit", inApp: true, email: false, minSeverity: "high", own: true },
      { eventType: "agent.offline", inApp: false, email: false, minSeverity: "medium", own: true },
      { eventType: "invoice.issued", inApp: false, email: true, minSeverity: "info", own: false },
    ]);
    expect(values).toMatchObject({ digest: "hourly", quietHoursStart: "22:00", quietHoursEnd: "07:00", criticalBypassesQuietHours: true, throttleMinutes: 15 });
  });

  it("shows no quiet hours as empty times", () => {
    const values = toFormValues({ ...loaded, quietHoursStart: null, quietHoursEnd: null });
    expect(values.quietHoursStart).toBe("");
    expect(values.quietHoursEnd).toBe("");
  });
});

describe("toRequestBody", () => {
  it("sends rules only for the rows set here, so the others keep following their default", () => {
    const body = toRequestBody(toFormValues(loaded));
    expect(body.rules).toEqual([
      { eventType: "ioc.hit", channels: ["inApp"], minSeverity: "high" },
      { eventType: "agent.offline", channels: [], minSeverity: "medium" },
    ]);
  });

  it("sends a row changed back to its default values as long as it is own, and none once put back to default", () => {
    const values = toFormValues(loaded);
    values.rules[0] = { ...values.rules[0]!, own: true };
    values.rules[1] = defaultRow("ioc.hit", builtInRule);
    expect(toRequestBody(values).rules).toEqual([
      { eventType: "drift.detected", channels: ["inApp", "email"], minSeverity: "medium" },
      { eventType: "agent.offline", channels: [], minSeverity: "medium" },
    ]);
  });

  it("sends the whole schedule, no quiet hours as nulls", () => {
    const values = { ...toFormValues(loaded), quietHoursStart: "", quietHoursEnd: "" };
    expect(toRequestBody(values)).toMatchObject({
      digest: "hourly",
      quietHoursStart: null,
      quietHoursEnd: null,
      criticalBypassesQuietHours: true,
      throttleMinutes: 15,
    });
  });
});

describe("defaultRow", () => {
  it("takes the default's channels and least severity and is not sent", () => {
    expect(defaultRow("scan.failed", { channels: ["email"], minSeverity: "high" })).toEqual({
      eventType: "scan.failed",
      inApp: false,
      email: true,
      minSeverity: "high",
      own: false,
    });
  });
});

describe("preferencesFieldPath", () => {
  const values = toFormValues(loaded);

  it("maps a sent rule's index to its row in the form", () => {
    // Sent: rules[0] = ioc.hit (row 1), rules[1] = agent.offline (row 2).
    expect(preferencesFieldPath("rules[0].minSeverity", values)).toBe("rules.1.minSeverity");
    expect(preferencesFieldPath("rules[1].channels", values)).toBe("rules.2.channels");
    expect(preferencesFieldPath("rules[1].eventType", values)).toBe("rules.2.eventType");
  });

  it("keeps schedule fields and leaves the rest to the form's own error", () => {
    expect(preferencesFieldPath("quietHoursEnd", values)).toBe("quietHoursEnd");
    expect(preferencesFieldPath("throttleMinutes", values)).toBe("throttleMinutes");
    expect(preferencesFieldPath("rules", values)).toBeUndefined();
    expect(preferencesFieldPath("rules[7].minSeverity", values)).toBeUndefined();
    expect(preferencesFieldPath("userId", values)).toBeUndefined();
  });
});

describe("preferencesSchema", () => {
  const valid = toFormValues(loaded);
  const issues = (values: typeof valid) => {
    const result = preferencesSchema.safeParse(values);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("accepts loaded preferences", () => {
    expect(issues(valid)).toEqual([]);
  });

  it("wants both ends of the quiet hours or neither, and different ones", () => {
    expect(issues({ ...valid, quietHoursEnd: "" })).toEqual(["quietHoursEnd: Give both ends of the quiet hours, or neither."]);
    expect(issues({ ...valid, quietHoursStart: "" })).toEqual(["quietHoursStart: Give both ends of the quiet hours, or neither."]);
    expect(issues({ ...valid, quietHoursStart: "", quietHoursEnd: "" })).toEqual([]);
    expect(issues({ ...valid, quietHoursEnd: "22:00" })).toEqual(["quietHoursEnd: Must differ from the start."]);
    expect(issues({ ...valid, quietHoursStart: "24:00" })).toEqual(["quietHoursStart: A time of day, e.g. 22:00."]);
  });

  it("keeps the throttle window between 0 and a day in whole minutes", () => {
    expect(issues({ ...valid, throttleMinutes: 0 })).toEqual([]);
    expect(issues({ ...valid, throttleMinutes: 1441 })).toEqual(["throttleMinutes: At most 1440 minutes (a day)."]);
    expect(issues({ ...valid, throttleMinutes: -1 })).toEqual(["throttleMinutes: At least 0 (off)."]);
    expect(issues({ ...valid, throttleMinutes: 1.5 })).toEqual(["throttleMinutes: Whole minutes only."]);
  });
});

describe("following the tenant's schedule", () => {
  it("sends useTenantSchedule instead of the schedule, and still the own rules", () => {
    const values = toFormValues(loaded);
    const body = toRequestBody(values, true);
    expect(body).toEqual({ rules: toRequestBody(values).rules, useTenantSchedule: true });
    expect(body).not.toHaveProperty("digest");
  });
});
