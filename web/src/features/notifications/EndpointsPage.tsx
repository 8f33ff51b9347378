import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { StaticTable } from "../../components/StaticTable";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import { isEnabled, useFeatures, useTenantId } from "../shell/tenant";
import { EndpointDialog, SigningSecretDialog } from "./EndpointDialog";
import { endpointsKey, notificationsKey, useEventTypes } from "./queries";
import { channelLabels, severities, SeverityBadge, SeverityOptions } from "./words";
import { DialogFormActions } from "../../components/DialogFormActions";

type Endpoint = Schemas["EndpointResponse"];
type WithSecret = Schemas["EndpointWithSecretResponse"];

/** The tenant's webhook, Slack and Teams endpoints, and a test notification through the tenant's routing. */
export function EndpointsPage() {
  const tenantId = useTenantId();
  const queryKey = endpointsKey(tenantId);
  const endpoints = useQuery({
    queryKey,
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/notifications/endpoints", { params: { path: { tenantId } } })),
  });
  const eventTypes = useEventTypes(tenantId);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Endpoint | "new" | null>(null);
  const [rotating, setRotating] = useState<Endpoint | null>(null);
  const [rotated, setRotated] = useState<WithSecret | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const [testing, setTesting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey });

  // Stable columns, so that a row's controls are not made anew (losing focus) when the page re-renders.
  const types = eventTypes.data;
  const columns = useMemo<ColumnDef<Endpoint, unknown>[]>(() => {
    const typeTitle = (key: string) => types?.find((t) => t.key === key)?.title ?? key;
    return [
      {
        header: "Endpoint",
        cell: ({ row }) => (
          <span className="flex flex-col">
            <span className="font-medium">{row.original.name}</span>
            <code className="text-xs text-muted">{row.original.urlHint}</code>
          </span>
        ),
      },
      {
        header: "Kind",
        cell: ({ row }) => (
          <span className="flex flex-col items-start gap-1">
            <span className="flex items-center gap-1">
              {channelLabels[row.original.kind]} {row.original.signed && <Badge tone="ok">signed</Badge>}
            </span>
            {row.original.previousSecretExpiresAt && new Date(row.original.previousSecretExpiresAt) > new Date() && (
              <span className="text-xs text-muted">Old secret also signs until {formatDate(row.original.previousSecretExpiresAt)}</span>
            )}
          </span>
        ),
      },
      {
        header: "Events",
        meta: { hideBelow: "md" },
        cell: ({ row }) => <span className="text-xs">{row.original.eventTypes.length === 0 ? "All" : row.original.eventTypes.map(typeTitle).join(", ")}</span>,
      },
      { header: "Least severity", cell: ({ row }) => <SeverityBadge severity={row.original.minSeverity} /> },
      {
        header: "Enabled",
        cell: ({ row }) => <EnabledToggle tenantId={tenantId} endpoint={row.original} />,
      },
      { header: "Added", meta: { hideBelow: "lg" }, cell: ({ row }) => formatDate(row.original.createdAt) },
      {
        header: "Actions",
        cell: ({ row }) => (
          <span className="flex flex-wrap gap-1">
            <Button variant="ghost" onClick={() => setEditing(row.original)} aria-label={`Edit ${row.original.name}`}>
              Edit
            </Button>
            {row.original.signed && (
              <Button variant="ghost" onClick={() => setRotating(row.original)} aria-label={`Rotate the secret of ${row.original.name}`}>
                Rotate secret
              </Button>
            )}
            <Button variant="danger-ghost" onClick={() => setDeleting(row.original)} aria-label={`Delete ${row.original.name}`}>
              Delete
            </Button>
          </span>
        ),
      },
    ];
  }, [tenantId, types]);

  return (
    <>
      <PageHeader
        title="Notification endpoints"
        description="Webhooks, Slack and Teams channels that get this tenant's notifications, besides people's inboxes and email. URLs and secrets are stored encrypted and never shown again."
        actions={
          <>
            <Button onClick={() => setTesting(true)}>Send test notification</Button>
            <Button variant="primary" onClick={() => setEditing("new")}>
              Add endpoint
            </Button>
          </>
        }
      />
      {endpoints.isPending && <Spinner label="Loading endpoints" />}
      {endpoints.isError && <ErrorState error={endpoints.error} onRetry={() => endpoints.refetch()} />}
      {endpoints.data && (
        <StaticTable
          label="Notification endpoints"
          columns={columns}
          rows={endpoints.data}
          getRowId={(e) => e.id}
          empty={
            <EmptyState title="No endpoints yet">
              Add a webhook to feed a SIEM or ticketing system, or a Slack or Teams channel. People get notifications in-app and by email without one.
            </EmptyState>
          }
        />
      )}
      {editing && (
        <EndpointDialog
          tenantId={tenantId}
          endpoint={editing === "new" ? undefined : editing}
          eventTypes={eventTypes.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={async (saved) => {
            await refresh();
            toast.show(`${saved.name} is saved.`);
          }}
        />
      )}
      <ConfirmDialog
        open={rotating !== null}
        title={`Rotate the signing secret of ${rotating?.name ?? ""}?`}
        confirmLabel="Rotate secret"
        onClose={() => setRotating(null)}
        onConfirm={async () => {
          const result = unwrap(
            await api.POST("/api/v1/tenants/{tenantId}/notifications/endpoints/{endpointId}/rotate-secret", {
              params: { path: { tenantId, endpointId: rotating!.id } },
            }),
          );
          await refresh();
          setRotated(result);
        }}
      >
        A new secret is made and shown once. For 24 hours every message is signed with both the old and the new secret, so the receiver can switch without
        losing any; after that the old secret no longer signs.
      </ConfirmDialog>
      {rotated?.secret && <SigningSecretDialog endpoint={rotated.endpoint} secret={rotated.secret} rotated onClose={() => setRotated(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? ""}?`}
        confirmLabel="Delete endpoint"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          unwrap(
            await api.DELETE("/api/v1/tenants/{tenantId}/notifications/endpoints/{endpointId}", { params: { path: { tenantId, endpointId: deleting!.id } } }),
          );
          await refresh();
          toast.show(`${deleting!.name} is deleted.`);
        }}
      >
        Nothing more is sent to it. Deliveries still queued for it end as dead letters in the delivery ledger.
      </ConfirmDialog>
      {testing && <SendTestNotification tenantId={tenantId} onClose={() => setTesting(false)} />}
    </>
  );
}

/** Turns an endpoint on or off at once. */
function EnabledToggle({ tenantId, endpoint }: { tenantId: string; endpoint: Endpoint }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const toggle = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/api/v1/tenants/{tenantId}/notifications/endpoints/{endpointId}", {
          params: { path: { tenantId, endpointId: endpoint.id } },
          body: { enabled: !endpoint.enabled },
        }),
      ),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: endpointsKey(tenantId) });
      toast.show(`${saved.name} is ${saved.enabled ? "enabled" : "disabled"}.`);
    },
    onError: (error) => toast.show(problemMessage(error), "error"),
  });
  return (
    <input
      type="checkbox"
      className="size-4"
      checked={endpoint.enabled}
      aria-label={`Enabled: ${endpoint.name}`}
      aria-busy={toggle.isPending || undefined}
      onChange={() => !toggle.isPending && toggle.mutate()}
    />
  );
}

const testSchema = z.object({
  severity: z.enum(severities),
  title: z.string().trim().max(200, "At most 200 characters."),
});

/** Publishes a test event, which the tenant's preferences and endpoints route like any other. */
export function SendTestNotification({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const [published, setPublished] = useState<Schemas["PublishedResponse"] | null>(null);
  const ledger = isEnabled(useFeatures(tenantId).data, "notification-ledger");
  const queryClient = useQueryClient();
  const form = useApiForm<z.infer<typeof testSchema>>(testSchema, { severity: "high", title: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async ({ severity, title }) => {
    const body = { severity, title: title || null };
    setPublished(unwrap(await api.POST("/api/v1/tenants/{tenantId}/notifications/test", { params: { path: { tenantId } }, body })));
    // Routing runs in the background; the bell catches up within its refresh, sooner for this reader.
    void queryClient.invalidateQueries({ queryKey: notificationsKey(tenantId) });
  });

  if (published) {
    return (
      <Dialog key="sent" open title="Test notification sent" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
        <p className="text-sm">
          A {published.severity} test event is on its way through this tenant's preferences and endpoints; it reaches inboxes within moments.
          {ledger && (
            <>
              {" "}
              See where it went in its{" "}
              <Link to={`/t/${tenantId}/notification-ledger/events/${published.eventId}`} className="text-accent underline" onClick={onClose}>
                delivery record
              </Link>
              .
            </>
          )}
        </p>
      </Dialog>
    );
  }

  return (
    <Dialog key="form" open title="Send test notification" onClose={onClose}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <FormField
          label="Severity"
          hint="With the built-in defaults people get medium and above in-app and by email; each endpoint gets what its least severity allows."
          error={errors.severity?.message}
        >
          <select className={inputClass} {...form.register("severity")}>
            <SeverityOptions />
          </select>
        </FormField>
        <FormField label="Title (optional)" hint="“Test notification” when empty." error={errors.title?.message}>
          <input className={inputClass} {...form.register("title")} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel={"Send"} />
      </form>
    </Dialog>
  );
}
