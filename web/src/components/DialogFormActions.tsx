import type { ReactNode } from "react";
import { Alert } from "./Alert";
import { Button } from "./Button";

/**
 * The end of a form in a dialog: the form-wide error (if any) above Cancel and the submit button,
 * which shows it is busy while the form submits.
 */
export function DialogFormActions({ error, onCancel, busy, submitLabel }: { error?: string; onCancel: () => void; busy: boolean; submitLabel: ReactNode }) {
  return (
    <>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </>
  );
}
