import type { ReactNode } from "react";

const tones = {
  neutral: "bg-raised text-ink",
  ok: "bg-ok/15 text-ok",
  warn: "bg-warn/15 text-warn",
  danger: "bg-danger/15 text-danger",
  accent: "bg-accent/15 text-accent",
};

export type BadgeTone = keyof typeof tones;

export function Badge({ tone = "neutral", children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

/** The colour of a lifecycle status word used across lists (tenants, tokens, invitations, assets, deliveries). */
export function statusTone(status: string): BadgeTone {
  switch (status) {
    case "active":
    case "online":
    case "open":
    case "accepted":
    case "success":
    case "ready":
    case "delivered":
      return "ok";
    case "suspended":
    case "expired":
    case "used-up":
    case "offline":
      return "warn";
    case "deleted":
    case "revoked":
    case "failure":
    case "denied":
    case "purged":
    case "failed":
    case "dead":
      return "danger";
    default:
      return "neutral";
  }
}
