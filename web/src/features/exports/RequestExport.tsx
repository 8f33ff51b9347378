import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { exportsKey } from "./queries";

export const exportFormats = [
  { value: "csv", label: "CSV", hint: "One table, for spreadsheets." },
  { value: "json", label: "JSON", hint: "The same rows with the report's header, for scripts." },
  { value: "pdf", label: "PDF", hint: "A branded report with page numbers and totals; at most 10,000 rows." },
  { value: "zip", label: "ZIP", hint: "CSV and JSON with a SHA-256 manifest (verify with sha256sum -c)." },
] as const;

/**
 * Starts a server-side export of a dataset with the list's current filters. The file is written in
 * the background; the Exports page follows it and offers the download.
 */
export function RequestExport({
  tenantId,
  dataset,
  title,
  filters,
  onClose,
}: {
  tenantId: string;
  dataset: string;
  title: string;
  filters: Record<string, string | undefined>;
  onClose: () => void;
}) {
  const [format, setFormat] = useState<string>("csv");
  const [started, setStarted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const applied = Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]));

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      unwrap(await api.POST("/api/v1/tenants/{tenantId}/exports", { params: { path: { tenantId } }, body: { dataset, format, filters: applied } }));
      await queryClient.invalidateQueries({ queryKey: exportsKey(tenantId) });
      setStarted(true);
    } catch (e) {
      setError(problemMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (started) {
    return (
      <Dialog open title={`Exporting ${title.toLowerCase()}`} onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
        <p className="text-sm">
          The export runs in the background. Follow it and download the file on the{" "}
          <Link to={`/t/${tenantId}/exports`} className="text-accent underline" onClick={onClose}>
            Exports page
          </Link>
          ; it stays there for seven days.
        </p>
      </Dialog>
    );
  }

  const filterCount = Object.keys(applied).length;
  return (
    <Dialog open title={`Export ${title.toLowerCase()}`} onClose={onClose}>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm font-medium">Format</legend>
        {exportFormats.map((f) => (
          <label key={f.value} className="flex items-start gap-2 text-sm">
            <input type="radio" name="format" value={f.value} checked={format === f.value} onChange={() => setFormat(f.value)} className="mt-1" />
            <span>
              <span className="font-medium">{f.label}</span> <span className="text-muted">{f.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="mt-3 text-sm text-muted">
        {filterCount === 0 ? "Everything, without filters." : `With the list's ${filterCount === 1 ? "filter" : `${filterCount} filters`} applied.`}
      </p>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="mt-4 flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="primary" busy={busy} onClick={start}>
          Start export
        </Button>
      </div>
    </Dialog>
  );
}
