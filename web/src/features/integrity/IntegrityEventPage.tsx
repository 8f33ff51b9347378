import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { OptionList } from "../../components/OptionList";
import { Dialog } from "../../components/Dialog";
import { DialogFormActions } from "../../components/DialogFormActions";
import { Fact } from "../../components/Fact";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState, Spinner } from "../../components/States";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import { useMe } from "../auth/session";
import { SeverityBadge } from "../notifications/words";
import { can, useFeatures, useTenantId } from "../shell/tenant";
import { FieldComparison } from "../../components/FieldComparison";
import { eventKey, integrityKey } from "./queries";
import { categoryLabel, ChangeBadge, resolutionLabels, resolutionOptions, StatusBadge } from "./words";

type Detail = Schemas["IntegrityEventDetail"];
type Triage = Schemas["TriageEventRequest"];

/** One drift event: the change side by side, why it is this severe, its comments, and triage. */
export function IntegrityEventPage() {
  const tenantId = useTenantId();
  const eventId = useParams().integrityEventId!;
  const triage = can(useFeatures(tenantId).data, "integrity:triage");
  const detail = useQuery({
    queryKey: eventKey(tenantId, eventId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/events/{integrityEventId}", { params: { path: { tenantId, integrityEventId: eventId } } })),
  });

  if (detail.isPending) return <Spinner />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} />;
  const d = detail.data;
  const e = d.event;
  return (
    <>
      <PageHeader
        title={e.entryKey}
        description={
          <>
            <code className="text-xs">{e.kind}</code> in {categoryLabel(e.category)} on{" "}
            <Link to={`/t/${tenantId}/assets/${e.assetId}?tab=integrity`} className="text-accent underline">
              {e.hostname}
            </Link>
          </>
        }
        actions={triage && <TriageActions tenantId={tenantId} detail={d} />}
      />
      <dl className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Severity">
          <SeverityBadge severity={e.severity} />
        </Fact>
        <Fact label="Change">
          <ChangeBadge change={e.change} />
        </Fact>
        <Fact label="Status">
          <span className="flex flex-wrap items-center gap-1">
            <StatusBadge status={e.status} />
            {e.resolution && <span className="text-xs font-normal text-muted">{resolutionLabels[e.resolution] ?? e.resolution}</span>}
          </span>
        </Fact>
        <Fact label="Assignee">{d.assigneeName ?? "—"}</Fact>
        <Fact label="Detected">{formatDate(e.detectedAt)}</Fact>
        <Fact label="Last seen">{formatDate(e.lastSeenAt)}</Fact>
        <Fact label="Updated">{formatDate(e.updatedAt)}</Fact>
      </dl>
      <section aria-label="Why this severity" className="mb-6">
        <h2 className="mb-2 text-base font-semibold">Why this severity</h2>
        {d.rules.length > 0 ? (
          <ul className="space-y-1 text-sm">
            {d.rules.map((r) => (
              <li key={r.key} className="flex flex-wrap items-center gap-2">
                <SeverityBadge severity={r.severity} /> {r.title} <code className="text-xs text-muted">{r.key}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted">No severity rule matched this change; unmatched drift is low.</p>
        )}
      </section>
      <section aria-label="The change" className="mb-6">
        <h2 className="mb-2 text-base font-semibold">The change</h2>
        <p className="mb-2 text-sm text-muted">The baseline's entry beside the entry in the latest snapshot; changed fields first and highlighted.</p>
        <FieldComparison before={d.before} after={d.after} changes={d.fields} />
      </section>
      <Comments tenantId={tenantId} detail={d} canComment={triage} />
    </>
  );
}

function useRefresh(tenantId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
}

function TriageActions({ tenantId, detail }: { tenantId: string; detail: Detail }) {
  const e = detail.event;
  const me = useMe();
  const refresh = useRefresh(tenantId);
  const toast = useToast();
  const [dialog, setDialog] = useState<"resolve" | "approve" | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const active = e.status === "open" || e.status === "acknowledged";

  const patch = async (body: Triage, done: string) => {
    setBusy(true);
    setError(null);
    try {
      unwrap(
        await api.PATCH("/api/v1/tenants/{tenantId}/integrity/events/{integrityEventId}", { params: { path: { tenantId, integrityEventId: e.id } }, body }),
      );
      await refresh();
      toast.show(done);
    } catch (problem) {
      setError(problem instanceof Error ? problem.message : String(problem));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap justify-end gap-2">
        {e.status === "open" && (
          <Button busy={busy} onClick={() => patch({ status: "acknowledged" }, "Acknowledged.")}>
            Acknowledge
          </Button>
        )}
        {(e.status === "resolved" || e.status === "acknowledged") && (
          <Button busy={busy} onClick={() => patch({ status: "open" }, "Reopened.")}>
            Reopen
          </Button>
        )}
        {me.data && e.assigneeId !== me.data.id && e.status !== "approved" && (
          <Button busy={busy} onClick={() => patch({ assigneeId: me.data!.id }, "Assigned to you.")}>
            Assign to me
          </Button>
        )}
        {e.assigneeId && e.status !== "approved" && (
          <Button busy={busy} onClick={() => patch({ clearAssignee: true }, "Unassigned.")}>
            Unassign
          </Button>
        )}
        {active && <Button onClick={() => setDialog("resolve")}>Resolve…</Button>}
        {active && (
          <Button variant="primary" onClick={() => setDialog("approve")}>
            Approve into baseline…
          </Button>
        )}
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {dialog === "resolve" && <ResolveDialog tenantId={tenantId} eventId={e.id} onClose={() => setDialog(null)} />}
      {dialog === "approve" && <ApproveDialog tenantId={tenantId} detail={detail} onClose={() => setDialog(null)} />}
    </div>
  );
}

const resolveSchema = z.object({ resolution: z.enum(["fixed", "accepted", "false-positive"]), comment: z.string().max(2000) });

function ResolveDialog({ tenantId, eventId, onClose }: { tenantId: string; eventId: string; onClose: () => void }) {
  const refresh = useRefresh(tenantId);
  const toast = useToast();
  const form = useApiForm(resolveSchema, { resolution: "fixed", comment: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async ({ resolution, comment }) => {
    unwrap(
      await api.PATCH("/api/v1/tenants/{tenantId}/integrity/events/{integrityEventId}", {
        params: { path: { tenantId, integrityEventId: eventId } },
        body: { status: "resolved", resolution, comment: comment.trim() || undefined },
      }),
    );
    await refresh();
    toast.show("Resolved. It stays quiet while the entry does not change again.");
    onClose();
  });
  return (
    <Dialog open title="Resolve this drift" onClose={onClose}>
      <form className="space-y-3" onSubmit={submit} noValidate>
        <p className="text-sm text-muted">The baseline stays as it is. To make this the expected state, approve it instead.</p>
        <FormField label="Resolution" error={errors.resolution?.message}>
          <select className={inputClass} {...form.register("resolution")}>
            <OptionList options={resolutionOptions} />
          </select>
        </FormField>
        <FormField label="Comment (optional)" error={errors.comment?.message}>
          <textarea className={inputClass} rows={3} {...form.register("comment")} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel="Resolve" />
      </form>
    </Dialog>
  );
}

const approveSchema = z.object({ comment: z.string().trim().min(1, "Say why this change is expected.").max(2000) });

function ApproveDialog({ tenantId, detail, onClose }: { tenantId: string; detail: Detail; onClose: () => void }) {
  const refresh = useRefresh(tenantId);
  const toast = useToast();
  const form = useApiForm(approveSchema, { comment: "" });
  const { errors, isSubmitting } = form.formState;
  const e = detail.event;
  const submit = form.submitWith(async ({ comment }) => {
    unwrap(
      await api.POST("/api/v1/tenants/{tenantId}/integrity/events/{integrityEventId}/approve", {
        params: { path: { tenantId, integrityEventId: e.id } },
        body: { comment },
      }),
    );
    await refresh();
    toast.show(`Approved: ${e.entryKey} is part of ${e.hostname}'s baseline now.`);
    onClose();
  });
  return (
    <Dialog open title="Approve into the baseline" onClose={onClose}>
      <form className="space-y-3" onSubmit={submit} noValidate>
        <p className="text-sm">
          {e.change === "removed"
            ? `${e.hostname} will no longer be expected to have this entry.`
            : `The entry as last seen becomes what ${e.hostname} is expected to have.`}{" "}
          The approval is recorded in the audit trail with your comment.
        </p>
        <FormField label="Why is this expected?" error={errors.comment?.message}>
          <textarea className={inputClass} rows={3} {...form.register("comment")} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel="Approve" />
      </form>
    </Dialog>
  );
}

const commentSchema = z.object({ text: z.string().trim().min(1, "Write a comment.").max(2000) });

function Comments({ tenantId, detail, canComment }: { tenantId: string; detail: Detail; canComment: boolean }) {
  const refresh = useRefresh(tenantId);
  const form = useApiForm(commentSchema, { text: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async ({ text }) => {
    unwrap(
      await api.POST("/api/v1/tenants/{tenantId}/integrity/events/{integrityEventId}/comments", {
        params: { path: { tenantId, integrityEventId: detail.event.id } },
        body: { text },
      }),
    );
    form.reset({ text: "" });
    await refresh();
  });
  return (
    <section aria-label="Comments and history">
      <h2 className="mb-2 text-base font-semibold">Comments and history</h2>
      {detail.comments.length === 0 ? (
        <p className="mb-3 text-sm text-muted">No comments yet.</p>
      ) : (
        <ol className="mb-3 space-y-2">
          {detail.comments.map((c) => (
            <li key={c.id} className="rounded-md border border-line bg-panel p-3 text-sm">
              <p className="mb-1 flex flex-wrap items-center gap-2 text-xs text-muted">
                <span className="font-medium text-ink">{c.authorName}</span>
                {c.action && <Badge tone="accent">{c.action}</Badge>}
                <span>{formatDate(c.createdAt)}</span>
              </p>
              {c.text && <p className="whitespace-pre-wrap">{c.text}</p>}
            </li>
          ))}
        </ol>
      )}
      {canComment && (
        <form className="space-y-2" onSubmit={submit} noValidate>
          <FormField label="Add a comment" error={errors.text?.message}>
            <textarea className={inputClass} rows={2} {...form.register("text")} />
          </FormField>
          {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
          <Button type="submit" busy={isSubmitting}>
            Comment
          </Button>
        </form>
      )}
    </section>
  );
}
