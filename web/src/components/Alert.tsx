import type { ReactNode } from "react";

const tones = {
  error: "border-danger/40 bg-danger/10 text-danger",
  info: "border-accent/40 bg-accent/10 text-ink",
  success: "border-ok/40 bg-ok/10 text-ink",
  warning: "border-warn/40 bg-warn/10 text-ink",
};

export function Alert({ tone = "info", title, children }: { tone?: keyof typeof tones; title?: string; children?: ReactNode }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}>
      {title && <p className="font-semibold">{title}</p>}
      {children}
    </div>
  );
}
