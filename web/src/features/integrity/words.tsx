import type { Schemas } from "../../api/client";
import { Badge, type BadgeTone } from "../../components/Badge";

export type EventStatus = Schemas["IntegrityEventStatus"];
export type Change = Schemas["EntryChangeKind"];

export const statusLabels: Record<EventStatus, string> = { open: "Open", acknowledged: "Acknowledged", resolved: "Resolved", approved: "Approved" };
const statusTones: Record<EventStatus, BadgeTone> = { open: "danger", acknowledged: "warn", resolved: "ok", approved: "accent" };

export function StatusBadge({ status }: { status: EventStatus }) {
  return <Badge tone={statusTones[status]}>{statusLabels[status]}</Badge>;
}

export const statusOptions = (Object.keys(statusLabels) as EventStatus[]).map((s) => ({ value: s, label: statusLabels[s] }));

export const changeLabels: Record<Change, string> = { added: "Added", removed: "Removed", modified: "Modified" };
const changeTones: Record<Change | "unchanged", BadgeTone> = { added: "ok", removed: "danger", modified: "warn", unchanged: "neutral" };

export function ChangeBadge({ change }: { change: Change | "unchanged" }) {
  return <Badge tone={changeTones[change]}>{change === "unchanged" ? "Unchanged" : changeLabels[change]}</Badge>;
}

/** The categories under drift detection, as the server's IntegrityPolicies lists them. */
const integrityCategories = [
  { id: "boot", label: "Boot" },
  { id: "services", label: "Services" },
  { id: "scheduled", label: "Scheduled tasks and cron" },
  { id: "autoruns", label: "Autoruns" },
  { id: "processes", label: "Executables" },
] as const;

export type IntegrityCategory = (typeof integrityCategories)[number]["id"];

export const categoryOptions = integrityCategories.map((c) => ({ value: c.id, label: c.label }));

export function categoryLabel(id: string): string {
  return integrityCategories.find((c) => c.id === id)?.label ?? id;
}

/** Why a person closes an event (the server's Resolutions.Chosen). */
export const resolutionOptions = [
  { value: "fixed", label: "Fixed on the machine" },
  { value: "accepted", label: "Accepted (expected, not folded into the baseline)" },
  { value: "false-positive", label: "False positive" },
] as const;

export const resolutionLabels: Record<string, string> = {
  reverted: "Back to baseline",
  approved: "Approved",
  fixed: "Fixed",
  accepted: "Accepted",
  "false-positive": "False positive",
};

export const originLabels: Record<Schemas["BaselineOrigin"], string> = {
  firstSnapshot: "First snapshot",
  pinned: "Pinned snapshot",
  approved: "Approved drift",
  golden: "Follows a golden baseline",
  template: "Made from a snapshot",
};
