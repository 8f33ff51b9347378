import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Badge } from "../../components/Badge";
import { Fact } from "../../components/Fact";
import { formatDate } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState, Spinner } from "../../components/States";

/** Health, version, database engine, migrations and background workers of this installation. */
export function SystemStatusPage() {
  const status = useQuery({
    queryKey: ["system-status"],
    queryFn: async () => unwrap(await api.GET("/api/v1/system/status")),
    refetchInterval: 15_000,
  });
  const ready = useQuery({
    queryKey: ["health-ready"],
    queryFn: async () => {
      const response = await fetch("/health/ready");
      return { ok: response.ok, text: await response.text() };
    },
    refetchInterval: 15_000,
  });

  if (status.isPending) return <Spinner />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => status.refetch()} />;
  const s = status.data;
  return (
    <>
      <PageHeader title="System status" description="Refreshes every 15 seconds." />
      <dl className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Health">{ready.data ? <Badge tone={ready.data.ok ? "ok" : "danger"}>{ready.data.ok ? "Ready" : ready.data.text}</Badge> : "…"}</Fact>
        <Fact label="Version">{s.version}</Fact>
        <Fact label="Database">{s.databaseEngine}</Fact>
        <Fact label="Started">{formatDate(s.startedAt)}</Fact>
        <Fact label="Migrations">
          {s.appliedMigrations.length} applied{s.pendingMigrations.length > 0 && <Badge tone="warn">{s.pendingMigrations.length} pending</Badge>}
        </Fact>
      </dl>
      <section aria-label="Workers" className="rounded-lg border border-line bg-panel">
        <h2 className="border-b border-line px-3 py-2 text-base font-semibold">Background workers</h2>
        {s.workers.length === 0 ? (
          <p className="p-4 text-sm text-muted">No worker has reported yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Background workers</caption>
            <thead className="bg-raised text-xs text-muted uppercase">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Worker
                </th>
                <th scope="col" className="px-3 py-2">
                  Node
                </th>
                <th scope="col" className="px-3 py-2">
                  State
                </th>
                <th scope="col" className="px-3 py-2">
                  Last beat
                </th>
                <th scope="col" className="px-3 py-2">
                  Last error
                </th>
              </tr>
            </thead>
            <tbody>
              {s.workers.map((w) => (
                <tr key={`${w.nodeId}/${w.worker}`} className="border-t border-line">
                  <td className="px-3 py-2 font-medium">{w.worker}</td>
                  <td className="px-3 py-2">{w.nodeId}</td>
                  <td className="px-3 py-2">{w.alive ? <Badge tone="ok">alive</Badge> : <Badge tone="danger">silent</Badge>}</td>
                  <td className="px-3 py-2">{formatDate(w.lastBeatAt)}</td>
                  <td className="px-3 py-2 text-xs text-danger">{w.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
