import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { useState } from "react";
import { copyText } from "../../components/clipboard";
import { downloadText } from "../../components/csv";

/** The recovery codes, shown once: copy or download, then confirm they are saved. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join("\n") + "\n";
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <div className="flex flex-col gap-3">
      <Alert tone="success" title="Save your recovery codes">
        Each code signs you in once if you lose your authenticator. They are shown only now.
      </Alert>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 rounded bg-raised p-3 font-mono text-sm text-ink">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button onClick={async () => setCopy((await copyText(text)) ? "copied" : "failed")}>{copy === "copied" ? "Copied" : "Copy"}</Button>
        <Button onClick={() => downloadText("tenantra-recovery-codes.txt", text, "text/plain;charset=utf-8")}>Download</Button>
        <Button variant="primary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
      <p role="status" className="text-xs text-muted">
        {copy === "failed" && "The browser did not allow copying: use Download, or select the codes and copy them."}
      </p>
    </div>
  );
}
