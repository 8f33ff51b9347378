import { useRef, type ReactNode } from "react";
import { CopyButton } from "./CopyButton";

/** A secret (token, one-time link) shown once, with a copy button that says whether the copy worked. */
export function SecretOnce({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="flex flex-col gap-2">
      {children && <p className="text-sm text-muted">{children}</p>}
      <label className="flex flex-col gap-1 text-sm font-medium">
        {label}
        <input
          ref={input}
          readOnly
          value={value}
          data-testid="secret-once"
          className="w-full rounded-md border border-line bg-raised px-3 py-1.5 font-mono text-sm text-ink"
          onFocus={(e) => e.target.select()}
        />
      </label>
      <CopyButton value={value} selectText={() => input.current?.select()} />
      <p className="text-xs font-medium text-warn">It will not be shown again.</p>
    </div>
  );
}
