import type { ReactNode } from "react";

/** One labelled value in a `<dl>` of facts (a status page's health, an asset's operating system). */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-line bg-panel p-3">
      <dt className="text-xs font-medium text-muted uppercase">{label}</dt>
      <dd className="mt-1 flex flex-wrap items-center gap-2 text-sm font-semibold">{children}</dd>
    </div>
  );
}
