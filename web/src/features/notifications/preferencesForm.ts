import { z } from "zod";
import type { Schemas } from "../../api/client";
import { severities, type Severity } from "./words";

type Preferences = Schemas["PreferencesResponse"];
type PreferencesBody = Schemas["PreferencesBody"];

/** The server's limit on the throttle window (NotificationSchedule.MaxThrottleMinutes). */
export const maxThrottleMinutes = 1440;

/** Where a rule's values come from when it is not set here. */
export interface RuleDefault {
  channels: string[];
  minSeverity: Severity;
}

/**
 * The tenant's defaults fall back to the built-in rule (the server's NotificationDefaults.RuleFor):
 * in-app and email from medium up. The API does not return it for a type the tenant has set.
 */
export const builtInRule: RuleDefault = { channels: ["inApp", "email"], minSeverity: "medium" };

const rowSchema = z.object({
  eventType: z.string(),
  inApp: z.boolean(),
  email: z.boolean(),
  minSeverity: z.enum(severities),
  /** Set here (sent in the PUT) rather than inherited from the tenant's or the built-in default. */
  own: z.boolean(),
});

const timeOfDay = z.string().regex(/^$|^([01]\d|2[0-3]):[0-5]\d$/, "A time of day, e.g. 22:00.");

export const preferencesSchema = z
  .object({
    rules: z.array(rowSchema),
    digest: z.enum(["immediate", "hourly", "daily"]),
    quietHoursStart: timeOfDay,
    quietHoursEnd: timeOfDay,
    criticalBypassesQuietHours: z.boolean(),
    throttleMinutes: z
      .number({ error: "Enter a number of minutes (0 for none)." })
      .int("Whole minutes only.")
      .min(0, "At least 0 (off).")
      .max(maxThrottleMinutes, `At most ${maxThrottleMinutes} minutes (a day).`),
  })
  .superRefine((values, context) => {
    if ((values.quietHoursStart === "") !== (values.quietHoursEnd === "")) {
      const missing = values.quietHoursStart === "" ? "quietHoursStart" : "quietHoursEnd";
      context.addIssue({ code: "custom", path: [missing], message: "Give both ends of the quiet hours, or neither." });
    } else if (values.quietHoursStart !== "" && values.quietHoursStart === values.quietHoursEnd) {
      context.addIssue({ code: "custom", path: ["quietHoursEnd"], message: "Must differ from the start." });
    }
  });

export type PreferencesValues = z.infer<typeof preferencesSchema>;
export type RuleRow = PreferencesValues["rules"][number];

/** The form's values for a loaded set of preferences: one row per event type, in the server's order. */
export function toFormValues(preferences: Preferences): PreferencesValues {
  return {
    rules: preferences.rules.map((rule) => ({
      eventType: rule.eventType,
      inApp: rule.channels.includes("inApp"),
      email: rule.channels.includes("email"),
      minSeverity: rule.minSeverity,
      own: !rule.inherited,
    })),
    digest: preferences.digest,
    quietHoursStart: preferences.quietHoursStart ?? "",
    quietHoursEnd: preferences.quietHoursEnd ?? "",
    criticalBypassesQuietHours: preferences.criticalBypassesQuietHours,
    throttleMinutes: preferences.throttleMinutes,
  };
}

/** A row put back to its default: its values are the default's and it is no longer sent. */
export function defaultRow(eventType: string, fallback: RuleDefault): RuleRow {
  return {
    eventType,
    inApp: fallback.channels.includes("inApp"),
    email: fallback.channels.includes("email"),
    minSeverity: fallback.minSeverity,
    own: false,
  };
}

/**
 * The PUT body: rules only for the rows set here, so that every other event type keeps following its
 * default (and shows as inherited afterwards), and the schedule — or, for someone who follows the
 * tenant's schedule and did not change it, `useTenantSchedule` so that they keep following it.
 * No channel is a muted type.
 */
export function toRequestBody(values: PreferencesValues, followTenantSchedule = false): PreferencesBody {
  const rules = values.rules
    .filter((row) => row.own)
    .map((row) => ({
      eventType: row.eventType,
      channels: [...(row.inApp ? ["inApp"] : []), ...(row.email ? ["email"] : [])],
      minSeverity: row.minSeverity,
    }));
  if (followTenantSchedule) return { rules, useTenantSchedule: true };
  return {
    rules,
    digest: values.digest,
    quietHoursStart: values.quietHoursStart || null,
    quietHoursEnd: values.quietHoursEnd || null,
    criticalBypassesQuietHours: values.criticalBypassesQuietHours,
    throttleMinutes: values.throttleMinutes,
  };
}

/** The schedule's fields, as the form and the server name them. */
export const scheduleFieldNames = ["digest", "quietHoursStart", "quietHoursEnd", "criticalBypassesQuietHours", "throttleMinutes"] as const;

const scheduleFields = new Set<string>(scheduleFieldNames);

/**
 * The form path of a field the server named in its answer to {@link toRequestBody}(values): its
 * `rules[i]` counts only the rows sent, so `rules[1].minSeverity` is the second own row's select
 * (`rules.5.minSeverity`); the channels of a row have one error for both boxes. Undefined for a
 * field the form does not show (the message then goes above the buttons).
 */
export function preferencesFieldPath(field: string, values: PreferencesValues): string | undefined {
  if (scheduleFields.has(field)) return field;
  const rule = /^rules\[(\d+)\]\.(eventType|channels|minSeverity)$/i.exec(field);
  if (!rule) return undefined;
  const sentRows = values.rules.flatMap((row, index) => (row.own ? [index] : []));
  const row = sentRows[Number(rule[1])];
  const name = rule[2]![0]!.toLowerCase() + rule[2]!.slice(1);
  return row === undefined ? undefined : `rules.${row}.${name}`;
}
