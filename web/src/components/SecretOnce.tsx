import { useRef, useState, type ReactNode } from "react";
import { Button } from "./Button";
import { copyText } from "./clipboard";

/** A secret (token, one-time link) shown once, with a copy button that says whether the copy worked. */
export function SecretOnce({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
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
      <div className="flex items-center gap-2">
        <Button
          onClick={async () => {
            const copied = await copyText(value);
            setCopy(copied ? "copied" : "failed");
            if (!copied) input.current?.select();
          }}
        >
          {copy === "copied" ? "Copied" : "Copy"}
        </Button>
        <span role="status" className="text-xs text-muted">
          {copy === "failed" && "The browser did not allow copying: the text is selected, press Ctrl+C (⌘C)."}
        </span>
      </div>
      <p className="text-xs font-medium text-warn">It will not be shown again.</p>
    </div>
  );
}
