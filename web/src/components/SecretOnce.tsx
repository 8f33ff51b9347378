import { useState, type ReactNode } from "react";
import { Button } from "./Button";

/** A secret (token, one-time link) shown once, with a copy button. */
export function SecretOnce({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-2">
      {children && <p className="text-sm text-muted">{children}</p>}
      <label className="flex flex-col gap-1 text-sm font-medium">
        {label}
        <input
          readOnly
          value={value}
          data-testid="secret-once"
          className="w-full rounded-md border border-line bg-raised px-3 py-1.5 font-mono text-sm text-ink"
          onFocus={(e) => e.target.select()}
        />
      </label>
      <div>
        <Button
          onClick={async () => {
            await navigator.clipboard?.writeText(value);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <p className="text-xs font-medium text-warn">It will not be shown again.</p>
    </div>
  );
}
