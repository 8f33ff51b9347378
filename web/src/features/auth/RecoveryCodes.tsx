import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { downloadText } from "../../components/csv";

/** The recovery codes, shown once: copy or download, then confirm they are saved. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join("\n") + "\n";
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
        <Button onClick={() => void navigator.clipboard?.writeText(text)}>Copy</Button>
        <Button onClick={() => downloadText("tenantra-recovery-codes.txt", text, "text/plain;charset=utf-8")}>Download</Button>
        <Button variant="primary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}
