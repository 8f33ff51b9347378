import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useCallback, useEffect, useId, useMemo, useState } from "react";
import { get, useFormState } from "react-hook-form";
import { useSearchParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState, Spinner } from "../../components/States";
import { StaticTable } from "../../components/StaticTable";
import { Tabs } from "../../components/Tabs";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import { can, useFeatures, useTenantId } from "../shell/tenant";
import {
  builtInRule,
  defaultRow,
  maxThrottleMinutes,
  preferencesFieldPath,
  preferencesSchema,
  toFormValues,
  scheduleFieldNames,
  toRequestBody,
  type PreferencesValues,
  type RuleDefault,
  type RuleRow,
} from "./preferencesForm";
import { preferencesKey, useEventTypes } from "./queries";
import { SeverityBadge, SeverityOptions } from "./words";

type Scope = "me" | "tenant";
type Preferences = Schemas["PreferencesResponse"];
type EventType = Schemas["EventTypeResponse"];

const scopeTabs = [
  { id: "me", label: "My preferences" },
  { id: "tenant", label: "Tenant defaults" },
] as const;

const digestOptions = [
  { value: "immediate", label: "Immediately" },
  { value: "hourly", label: "Hourly digest" },
  { value: "daily", label: "Daily digest" },
] as const;

/** The caller's notification preferences and, for those who manage the tenant, the tenant's defaults (`?scope=tenant`). */
export function PreferencesPage() {
  const tenantId = useTenantId();
  const manage = can(useFeatures(tenantId).data, "tenant:manage");
  const [params, setParams] = useSearchParams();
  const scope: Scope = manage && params.get("scope") === "tenant" ? "tenant" : "me";
  return (
    <>
      <PageHeader
        title="Notification preferences"
        description="Which events reach you, where (in-app, email) and from which severity up. What you do not set here follows the tenant's defaults."
      />
      {manage ? (
        <Tabs label="Whose preferences" tabs={scopeTabs} selected={scope} onSelect={(id) => setParams(id === "me" ? {} : { scope: id }, { replace: true })}>
          <PreferencesEditor key={scope} tenantId={tenantId} scope={scope} />
        </Tabs>
      ) : (
        <PreferencesEditor tenantId={tenantId} scope="me" />
      )}
    </>
  );
}

function usePreferences(tenantId: string, scope: Scope) {
  return useQuery({
    queryKey: [...preferencesKey(tenantId), scope],
    queryFn: async () =>
      unwrap(
        scope === "me"
          ? await api.GET("/api/v1/tenants/{tenantId}/notifications/preferences/me", { params: { path: { tenantId } } })
          : await api.GET("/api/v1/tenants/{tenantId}/notifications/preferences/tenant", { params: { path: { tenantId } } }),
      ),
  });
}

function PreferencesEditor({ tenantId, scope }: { tenantId: string; scope: Scope }) {
  const preferences = usePreferences(tenantId, scope);
  // A user's inherited rules are the tenant's; the tenant's are the built-in ones.
  const tenantDefaults = usePreferences(tenantId, "tenant");
  const eventTypes = useEventTypes(tenantId);
  const tenantRules = tenantDefaults.data?.rules;
  const fallback = useCallback(
    (eventType: string): RuleDefault => (scope === "me" ? (tenantRules?.find((r) => r.eventType === eventType) ?? builtInRule) : builtInRule),
    [scope, tenantRules],
  );
  const pending = [preferences, tenantDefaults, eventTypes].find((q) => q.isPending || q.isError);
  if (pending?.isPending) return <Spinner />;
  if (pending?.isError) return <ErrorState error={pending.error} onRetry={() => pending.refetch()} />;
  return <PreferencesForm tenantId={tenantId} scope={scope} preferences={preferences.data!} eventTypes={eventTypes.data!} fallback={fallback} />;
}

type PreferencesFormApi = ReturnType<typeof useApiForm<PreferencesValues>>;

const sourceLabels = {
  me: { own: "Your own", inherited: "Tenant default", reset: "tenant default" },
  tenant: { own: "Set here", inherited: "Built-in", reset: "built-in default" },
} as const;

function PreferencesForm({
  tenantId,
  scope,
  preferences,
  eventTypes,
  fallback,
}: {
  tenantId: string;
  scope: Scope;
  preferences: Preferences;
  eventTypes: EventType[];
  fallback: (eventType: string) => RuleDefault;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [resetting, setResetting] = useState(false);
  const scheduleId = useId();
  const form = useApiForm(preferencesSchema, toFormValues(preferences));
  const { errors, isSubmitting, isDirty } = form.formState;
  const { reset, register, setValue, control } = form;
  useEffect(() => reset(toFormValues(preferences)), [preferences, reset]);
  // A copy: watch returns the form's own array, changed in place, and the table only notices a new one.
  const rules = [...form.watch("rules")];

  const show = (saved: Preferences) => {
    queryClient.setQueryData([...preferencesKey(tenantId), scope], saved);
    // The caller's effective rules follow the tenant's where they have none of their own.
    if (scope === "tenant") void queryClient.invalidateQueries({ queryKey: [...preferencesKey(tenantId), "me"] });
  };
  const submit = form.submitWith(
    async (values) => {
      // Someone following the tenant's schedule who left it alone keeps following it.
      const follow = scope === "me" && preferences.usesTenantSchedule && scheduleFieldNames.every((name) => !form.getFieldState(name).isDirty);
      const body = toRequestBody(values, follow);
      const path = { params: { path: { tenantId } }, body };
      show(
        unwrap(
          scope === "me"
            ? await api.PUT("/api/v1/tenants/{tenantId}/notifications/preferences/me", path)
            : await api.PUT("/api/v1/tenants/{tenantId}/notifications/preferences/tenant", path),
        ),
      );
      toast.show(scope === "me" ? "Your notification preferences are saved." : "The tenant's notification defaults are saved.");
    },
    (field) => preferencesFieldPath(field, form.getValues()),
  );

  // Stable columns: a cell re-renders with its row instead of being made anew, so focus stays in it.
  const columns = useMemo<ColumnDef<RuleRow, unknown>[]>(() => {
    const titleOf = (eventType: string) => eventTypes.find((t) => t.key === eventType)?.title ?? eventType;
    const rowProps = (row: { index: number; original: RuleRow }) => ({ register, setValue, control, index: row.index, title: titleOf(row.original.eventType) });
    return [
      { header: "Event", cell: ({ row }) => <EventCell {...rowProps(row)} type={eventTypes.find((t) => t.key === row.original.eventType)} /> },
      { header: "In-app", cell: ({ row }) => <ChannelBox {...rowProps(row)} channel="inApp" /> },
      { header: "Email", cell: ({ row }) => <ChannelBox {...rowProps(row)} channel="email" /> },
      { header: "Least severity", cell: ({ row }) => <SeverityCell {...rowProps(row)} /> },
      {
        header: "Applies",
        cell: ({ row }) => <SourceCell {...rowProps(row)} rule={row.original} labels={sourceLabels[scope]} fallback={fallback(row.original.eventType)} />,
      },
    ];
  }, [eventTypes, scope, fallback, register, setValue, control]);

  const ownAnything = preferences.rules.some((r) => !r.inherited) || !preferences.usesTenantSchedule;
  return (
    <form className="flex flex-col gap-6" onSubmit={submit} noValidate>
      <section aria-label="Event types" className="flex flex-col gap-2">
        <p className="text-sm text-muted">
          {scope === "me"
            ? "Changing a row makes it your own; \u201cUse default\u201d goes back to the tenant's setting for it. No channel mutes the event type."
            : "Everyone in the tenant gets these unless they set their own. \u201cUse default\u201d goes back to the built-in setting: in-app and email from medium up."}
        </p>
        <StaticTable label="Event types" columns={columns} rows={rules} getRowId={(r) => r.eventType} />
      </section>
      <fieldset aria-labelledby={scheduleId} className="rounded-lg border border-line bg-panel p-4">
        <h2 id={scheduleId} className="mb-1 text-base font-semibold">
          Schedule
        </h2>
        <p className="mb-3 text-sm text-muted">For email. The inbox always gets notifications at once.</p>
        {scope === "me" && preferences.usesTenantSchedule && (
          <div className="mb-3">
            <Alert tone="info">
              You follow the tenant's schedule. Changing it here makes it your own; &ldquo;Reset to tenant defaults&rdquo; follows the tenant's again.
            </Alert>
          </div>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Email delivery" hint="Critical notifications are always sent at once." error={errors.digest?.message}>
            <select className={inputClass} {...form.register("digest")}>
              {digestOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </FormField>
          <FormField
            label="Throttle window (minutes)"
            hint={`Identical notifications within the window are folded into one. 0 turns it off; at most ${maxThrottleMinutes}.`}
            error={errors.throttleMinutes?.message}
          >
            <input className={inputClass} type="number" min={0} max={maxThrottleMinutes} {...form.register("throttleMinutes", { valueAsNumber: true })} />
          </FormField>
          <FormField
            label="Quiet hours from"
            hint={`In the tenant's time zone, ${preferences.timeZone}. Empty for no quiet hours.`}
            error={errors.quietHoursStart?.message}
          >
            <input className={inputClass} type="time" {...form.register("quietHoursStart")} />
          </FormField>
          <FormField label="Quiet hours until" hint="Email waits until they end." error={errors.quietHoursEnd?.message}>
            <input className={inputClass} type="time" {...form.register("quietHoursEnd")} />
          </FormField>
          <label className="flex items-center gap-2 text-sm sm:col-span-2">
            <input type="checkbox" {...form.register("criticalBypassesQuietHours")} /> Send critical notifications during quiet hours too
          </label>
          {errors.criticalBypassesQuietHours?.message && <p className="text-xs font-medium text-danger">{errors.criticalBypassesQuietHours.message}</p>}
        </div>
      </fieldset>
      {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty}>
          {scope === "me" ? "Save my preferences" : "Save tenant defaults"}
        </Button>
        {scope === "me" && ownAnything && (
          <Button variant="danger-ghost" onClick={() => setResetting(true)}>
            Reset to tenant defaults
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={resetting}
        title="Reset to the tenant's defaults?"
        confirmLabel="Reset my preferences"
        onClose={() => setResetting(false)}
        onConfirm={async () => {
          show(unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/notifications/preferences/me", { params: { path: { tenantId } } })));
          toast.show("You follow the tenant's notification defaults again.");
        }}
      >
        Your own rules and schedule are removed; every event type and the schedule follow the tenant's defaults from now on.
      </ConfirmDialog>
    </form>
  );
}

/** What each rule cell gets: the form's stable parts and its row. */
interface RowCellProps {
  register: PreferencesFormApi["register"];
  setValue: PreferencesFormApi["setValue"];
  control: PreferencesFormApi["control"];
  index: number;
  title: string;
}

/** The message of a row's field in the form's errors (a server's field error mapped by preferencesFieldPath). */
function useRowError(control: PreferencesFormApi["control"], index: number, field: "eventType" | "channels" | "minSeverity"): string | undefined {
  const { errors } = useFormState({ control, name: `rules.${index}` });
  return (get(errors, `rules.${index}.${field}`) as { message?: string } | undefined)?.message;
}

function markOwn(setValue: RowCellProps["setValue"], index: number) {
  return () => setValue(`rules.${index}.own`, true, { shouldDirty: true });
}

function EventCell({ control, index, title, type }: RowCellProps & { type: EventType | undefined }) {
  const error = useRowError(control, index, "eventType");
  return (
    <div className="flex max-w-md flex-col gap-0.5">
      <span className="font-medium">{title}</span>
      {type && <span className="text-xs text-muted">{type.description}</span>}
      {type && (
        <span className="text-xs text-muted">
          Usually <SeverityBadge severity={type.defaultSeverity} />
        </span>
      )}
      {error && <span className="text-xs font-medium text-danger">{error}</span>}
    </div>
  );
}

/** One channel's box of a row; the row's one channels error shows under the in-app box and describes both. */
function ChannelBox({ register, setValue, control, index, title, channel }: RowCellProps & { channel: "inApp" | "email" }) {
  const error = useRowError(control, index, "channels");
  const errorId = `rule-${index}-channels-error`;
  return (
    <div className="flex flex-col gap-1">
      <input
        type="checkbox"
        className="size-4"
        aria-label={`${channel === "inApp" ? "In-app" : "Email"}: ${title}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...register(`rules.${index}.${channel}`, { onChange: markOwn(setValue, index) })}
      />
      {error && channel === "inApp" && (
        <span id={errorId} className="text-xs font-medium text-danger">
          {error}
        </span>
      )}
    </div>
  );
}

function SeverityCell({ register, setValue, control, index, title }: RowCellProps) {
  const error = useRowError(control, index, "minSeverity");
  const errorId = useId();
  return (
    <div className="flex flex-col gap-1">
      <select
        className={`${inputClass} w-auto`}
        aria-label={`Least severity: ${title}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...register(`rules.${index}.minSeverity`, { onChange: markOwn(setValue, index) })}
      >
        <SeverityOptions />
      </select>
      {error && (
        <span id={errorId} className="text-xs font-medium text-danger">
          {error}
        </span>
      )}
    </div>
  );
}

/** Whether the row is set here or inherited, and the way back to the default. */
function SourceCell({
  setValue,
  index,
  title,
  rule,
  labels,
  fallback,
}: RowCellProps & { rule: RuleRow; labels: (typeof sourceLabels)[Scope]; fallback: RuleDefault }) {
  return (
    <div className="flex flex-col items-start gap-1">
      <span className="flex flex-wrap gap-1">
        <Badge tone={rule.own ? "accent" : "neutral"}>{rule.own ? labels.own : labels.inherited}</Badge>
        {!rule.inApp && !rule.email && <Badge tone="warn">muted</Badge>}
      </span>
      {rule.own && (
        <Button
          variant="ghost"
          className="px-1 py-0.5 text-xs"
          aria-label={`Use the ${labels.reset} for ${title}`}
          onClick={() => setValue(`rules.${index}`, defaultRow(rule.eventType, fallback), { shouldDirty: true })}
        >
          Use default
        </Button>
      )}
    </div>
  );
}
