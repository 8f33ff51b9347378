import { useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { SecretOnce } from "../../components/SecretOnce";
import { useApiForm } from "../../components/useApiForm";
import { channelLabels, severities, SeverityOptions } from "./words";
import { DialogFormActions } from "../../components/DialogFormActions";

type Endpoint = Schemas["EndpointResponse"];
type WithSecret = Schemas["EndpointWithSecretResponse"];
type EventType = Schemas["EventTypeResponse"];

/** The server's limits (NotificationEndpoint.MaxNameLength, MaxUrlLength). */
const maxNameLength = 100;
const maxUrlLength = 2000;

const endpointKinds = ["webhook", "slack", "teams"] as const;
const kindHints: Record<(typeof endpointKinds)[number], string> = {
  webhook: "Signed JSON POSTs to your URL (Standard Webhooks).",
  slack: "A Slack incoming-webhook URL.",
  teams: "A Microsoft Teams incoming-webhook or workflow URL.",
};

/** Adding needs a URL; editing keeps the stored one when the field is left empty. */
const schemaFor = (editing: boolean) =>
  z
    .object({
      name: z
        .string()
        .trim()
        .min(1, "Name the endpoint after where it sends, e.g. the SIEM or a channel.")
        .max(maxNameLength, `At most ${maxNameLength} characters.`),
      kind: z.enum(endpointKinds),
      url: z.string().trim().max(maxUrlLength, `At most ${maxUrlLength} characters.`),
      secret: z.string().trim(),
      eventTypes: z.array(z.string()),
      minSeverity: z.enum(severities),
      enabled: z.boolean(),
    })
    .superRefine((values, context) => {
      if (values.url === "" && !editing) context.addIssue({ code: "custom", path: ["url"], message: "Enter the URL to send to." });
      else if (values.url !== "" && !/^https?:\/\/\S+$/i.test(values.url)) context.addIssue({ code: "custom", path: ["url"], message: "An https:// URL." });
    });

type EndpointValues = z.infer<ReturnType<typeof schemaFor>>;

/**
 * Adding an endpoint, or changing one (`endpoint`): name, URL, the event types it wants (none means
 * all) and the least severity. A new webhook's signing secret comes back this once and is shown in
 * place of the form until closed.
 */
export function EndpointDialog({
  tenantId,
  endpoint,
  eventTypes,
  onSaved,
  onClose,
}: {
  tenantId: string;
  endpoint?: Endpoint;
  eventTypes: EventType[];
  onSaved: (saved: Endpoint) => Promise<void>;
  onClose: () => void;
}) {
  const [created, setCreated] = useState<WithSecret | null>(null);
  const editing = endpoint !== undefined;
  const form = useApiForm<EndpointValues>(schemaFor(editing), {
    name: endpoint?.name ?? "",
    kind: endpoint?.kind === "slack" || endpoint?.kind === "teams" ? endpoint.kind : "webhook",
    url: "",
    secret: "",
    eventTypes: endpoint?.eventTypes ?? [],
    minSeverity: endpoint?.minSeverity ?? "medium",
    enabled: endpoint?.enabled ?? true,
  });
  const { errors, isSubmitting } = form.formState;
  const kind = form.watch("kind");

  const submit = form.submitWith(async ({ name, kind, url, secret, eventTypes, minSeverity, enabled }) => {
    if (endpoint) {
      const body = { name, eventTypes, minSeverity, ...(url ? { url } : {}) };
      await onSaved(
        unwrap(
          await api.PATCH("/api/v1/tenants/{tenantId}/notifications/endpoints/{endpointId}", { params: { path: { tenantId, endpointId: endpoint.id } }, body }),
        ),
      );
      onClose();
      return;
    }
    const body = { name, kind, url, secret: kind === "webhook" && secret ? secret : null, eventTypes, minSeverity, enabled };
    const result = unwrap(await api.POST("/api/v1/tenants/{tenantId}/notifications/endpoints", { params: { path: { tenantId } }, body }));
    await onSaved(result.endpoint);
    if (result.secret) setCreated(result);
    else onClose();
  });

  if (created?.secret) return <SigningSecretDialog endpoint={created.endpoint} secret={created.secret} onClose={onClose} />;

  return (
    <Dialog key="form" open wide title={editing ? `Edit ${endpoint.name}` : "Add endpoint"} onClose={onClose}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <div className="grid items-start gap-4 sm:grid-cols-2">
          <FormField label="Name" error={errors.name?.message}>
            <input className={inputClass} autoFocus {...form.register("name")} />
          </FormField>
          {editing ? (
            <FormField label="Kind">
              <input className={inputClass} readOnly value={channelLabels[endpoint.kind]} />
            </FormField>
          ) : (
            <FormField label="Kind" hint={kindHints[kind]} error={errors.kind?.message}>
              <select className={inputClass} {...form.register("kind")}>
                {endpointKinds.map((k) => (
                  <option key={k} value={k}>
                    {channelLabels[k]}
                  </option>
                ))}
              </select>
            </FormField>
          )}
        </div>
        <FormField
          label={editing ? "New URL" : "URL"}
          hint={
            editing
              ? `Now ${endpoint.urlHint} Leave empty to keep it; it is never shown again once saved.`
              : "Stored encrypted; only its host is shown afterwards."
          }
          error={errors.url?.message}
        >
          <input className={inputClass} type="url" placeholder="https://…" autoComplete="off" {...form.register("url")} />
        </FormField>
        {!editing && kind === "webhook" && (
          <FormField
            label="Signing secret (optional)"
            hint="Leave empty and one is made for you (shown once). Your own: whsec_ and the base64 of 24–64 random bytes."
            error={errors.secret?.message}
          >
            <input className={inputClass} autoComplete="off" {...form.register("secret")} />
          </FormField>
        )}
        <fieldset>
          <legend className="mb-1 text-sm font-medium">Event types</legend>
          <p className="mb-2 text-xs text-muted">None chosen sends every type.</p>
          <div className="grid gap-1 sm:grid-cols-2">
            {eventTypes.map((t) => (
              <label key={t.key} className="flex items-center gap-2 text-sm">
                <input type="checkbox" value={t.key} {...form.register("eventTypes")} /> {t.title}
              </label>
            ))}
          </div>
          {errors.eventTypes?.message && <p className="mt-1 text-xs font-medium text-danger">{errors.eventTypes.message}</p>}
        </fieldset>
        <div className="grid items-start gap-4 sm:grid-cols-2">
          <FormField label="Least severity" hint="Events below it are not sent here." error={errors.minSeverity?.message}>
            <select className={inputClass} {...form.register("minSeverity")}>
              <SeverityOptions />
            </select>
          </FormField>
          {!editing && (
            <label className="flex items-center gap-2 text-sm sm:mt-7">
              <input type="checkbox" {...form.register("enabled")} /> Enabled
            </label>
          )}
        </div>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel={editing ? "Save" : "Add endpoint"} />
      </form>
    </Dialog>
  );
}

/** A webhook's signing secret, this once: after creating the endpoint or rotating its secret (`rotated`). */
export function SigningSecretDialog({
  endpoint,
  secret,
  rotated = false,
  onClose,
}: {
  endpoint: Endpoint;
  secret: string;
  rotated?: boolean;
  onClose: () => void;
}) {
  return (
    <Dialog key="secret" open title={`Signing secret of ${endpoint.name}`} onClose={onClose} footer={<Button onClick={onClose}>Done</Button>}>
      <SecretOnce label="Signing secret" value={secret}>
        Copy it now into the receiving system: you will not see it again. The receiver checks each message's webhook-signature header with it (Standard
        Webhooks).
      </SecretOnce>
      {rotated && endpoint.previousSecretExpiresAt && (
        <Alert tone="info" title="Both secrets sign for 24 hours">
          Until {formatDate(endpoint.previousSecretExpiresAt)} every message carries a signature under the old secret and one under the new, so the receiver can
          switch without losing any. After that only the new secret signs.
        </Alert>
      )}
    </Dialog>
  );
}
