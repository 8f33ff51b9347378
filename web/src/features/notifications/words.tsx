import type { Schemas } from "../../api/client";
import { Badge, type BadgeTone } from "../../components/Badge";

export type Severity = Schemas["NotificationSeverity"];
export type Channel = Schemas["NotificationChannel"];

/** Lowest first, as the server orders them: a preference's "least severity" takes its own and everything after it. */
export const severities = ["info", "low", "medium", "high", "critical"] as const satisfies readonly Severity[];

const severityTones: Record<Severity, BadgeTone> = { info: "neutral", low: "accent", medium: "warn", high: "danger", critical: "danger" };

export function severityLabel(severity: Severity): string {
  return severity[0]!.toUpperCase() + severity.slice(1);
}

/** The options of a severity drop-down, lowest first. */
export function SeverityOptions() {
  return severities.map((s) => (
    <option key={s} value={s}>
      {severityLabel(s)}
    </option>
  ));
}

/** "Medium and above" for filters on a least severity. */
export const leastSeverityOptions = severities.map((s) => ({ value: s, label: s === "critical" ? "Critical only" : `${severityLabel(s)} and above` }));

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge tone={severityTones[severity]}>{severity === "critical" ? "CRITICAL" : severity}</Badge>;
}

export const channelLabels: Record<Channel, string> = { inApp: "In-app", email: "Email", webhook: "Webhook", slack: "Slack", teams: "Teams" };

export const channelOptions = (Object.keys(channelLabels) as Channel[]).map((c) => ({ value: c, label: channelLabels[c] }));

/**
 * Where a notification's link goes in the console. The server stores a console path; one that is not
 * already a tenant's (`/assets/…`, the publisher's documented form) is taken to be under this tenant.
 */
export function consoleLink(tenantId: string, link: string): string {
  return link.startsWith("/t/") ? link : `/t/${tenantId}${link}`;
}

/** Throttling folds identical notifications into the first: it happened `foldedCount` more times, `foldedCount + 1` in all. */
export function foldedLabel(foldedCount: number): string | null {
  return foldedCount > 0 ? `×${(foldedCount + 1).toLocaleString()} identical` : null;
}
