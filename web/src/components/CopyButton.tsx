import { useState } from "react";
import { Button } from "./Button";
import { copyText } from "./clipboard";

/**
 * Copies `value` and says whether it worked; it never claims a copy the browser refused. On
 * refusal `selectText` selects the text on screen so that Ctrl+C (⌘C) works instead.
 */
export function CopyButton({ value, label = "Copy", selectText }: { value: string; label?: string; selectText: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <div className="flex items-center gap-2">
      <Button
        onClick={async () => {
          const copied = await copyText(value);
          setCopy(copied ? "copied" : "failed");
          if (!copied) selectText();
        }}
      >
        {copy === "copied" ? "Copied" : label}
      </Button>
      <span role="status" className="text-xs text-muted">
        {copy === "failed" && "The browser did not allow copying: the text is selected, press Ctrl+C (⌘C)."}
      </span>
    </div>
  );
}
