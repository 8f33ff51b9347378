import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { DataTable, DateFilter, FilterSelect } from "../../components/DataTable";
import { localDayRange } from "../../components/days";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState, Spinner } from "../../components/States";
import { Tabs } from "../../components/Tabs";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { leastSeverityOptions, SeverityBadge, type Severity } from "../notifications/words";
import { can, useFeatures, useTenantId } from "../shell/tenant";

type AuditAlert = Schemas["AuditAlertResponse"];
type Detection = Schemas["AuditDetection"];
type Settings = Schemas["AuditDetectionSettings"];

/** Each detection in words, in the order the settings list them. */
export const detectionLabels: Record<Detection, string> = {
  failedSignInsPerUser: "Repeated failed sign-ins for one user",
  failedSignInsPerAddress: "Repeated failed sign-ins from one address",
  newSignInAddress: "Sign-in from an address never seen for the user",
  adminGrant: "Admin rights granted",
  secondFactorDisabled: "Second factor disabled",
  offHoursToken: "API token created or used off-hours",
  massDelete: "Mass delete",
  massExport: "Mass export",
  auditSettingsChanged: "Audit settings changed",
  enrollmentTokenWithoutExpiry: "Enrollment token without expiry",
};
const detectionOptions = (Object.keys(detectionLabels) as Detection[]).map((d) => ({ value: d, label: detectionLabels[d] }));
const filterNames = ["detection", "minSeverity", "from", "to"] as const;
type AlertFilter = (typeof filterNames)[number];
const tabs = [
  { id: "alerts", label: "Alerts" },
  { id: "settings", label: "Detection settings" },
] as const;

/** Alerts raised by audit detections, each linked to the records behind it, and the tenant's detection settings. */
export function AuditAlertsPage() {
  const tenantId = useTenantId();
  const manage = can(useFeatures(tenantId).data, "audit:manage");
  const [tab, setTab] = useState<(typeof tabs)[number]["id"]>("alerts");
  return (
    <>
      <PageHeader
        title="Audit alerts"
        description="Suspicious actions found in the audit trail — brute force, privilege grants, mass deletes or exports, tokens used off-hours — each a notification too, and each linked to the records that raised it."
      />
      <Tabs label="Audit alerts" tabs={tabs} selected={tab} onSelect={setTab}>
        {tab === "alerts" ? <AlertsTab tenantId={tenantId} /> : <SettingsTab tenantId={tenantId} manage={manage} />}
      </Tabs>
    </>
  );
}

function AlertsTab({ tenantId }: { tenantId: string }) {
  const fetchPage = async (query: ListParams<AlertFilter>["query"]) => {
    const { detection, minSeverity, from, to, ...rest } = query;
    return unwrap(
      await api.GET("/api/v1/tenants/{tenantId}/audit-alerts", {
        params: {
          path: { tenantId },
          query: { ...rest, detection: detection as Detection | undefined, minSeverity: minSeverity as Severity | undefined, ...localDayRange(from, to) },
        },
      }),
    );
  };
  const list = useServerList(["audit-alerts", tenantId], fetchPage, filterNames, "-raisedAt");
  const columns: ColumnDef<AuditAlert, unknown>[] = [
    { header: "Raised", cell: ({ row }) => <span className="whitespace-nowrap">{formatDate(row.original.raisedAt)}</span> },
    { header: "Severity", cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> },
    { header: "Detection", cell: ({ row }) => detectionLabels[row.original.detection] },
    { header: "What happened", cell: ({ row }) => <span className="text-sm">{row.original.detail}</span> },
    { header: "Source IP", meta: { hideBelow: "lg" }, cell: ({ row }) => row.original.sourceIp ?? "—" },
    {
      header: "Records",
      cell: ({ row }) => (
        <Link className="whitespace-nowrap text-accent underline" to={`/t/${tenantId}/audit?${row.original.recordsQuery}&record=${row.original.lastSequence}`}>
          {row.original.records === 1 ? `#${row.original.lastSequence}` : `#${row.original.firstSequence}–${row.original.lastSequence}`}
        </Link>
      ),
    },
  ];
  return (
    <DataTable
      label="Audit alerts"
      columns={columns}
      list={list}
      getRowId={(a) => a.id}
      searchLabel="Search detail, actor, IP"
      filters={
        <>
          <FilterSelect label="Detection" name="detection" params={list.params} options={detectionOptions} />
          <FilterSelect label="Severity" name="minSeverity" params={list.params} options={leastSeverityOptions} />
          <DateFilter label="From" name="from" params={list.params} />
          <DateFilter label="To" name="to" params={list.params} />
        </>
      }
      empty={{ title: "No alerts", body: "Nothing suspicious found in the audit trail so far." }}
    />
  );
}

const threshold = z.object({
  enabled: z.boolean(),
  count: z.number().int().min(1).max(10000),
  windowMinutes: z.number().int().min(1).max(10080),
});
const settingsSchema = z.object({
  failedSignInsPerUser: threshold,
  failedSignInsPerAddress: threshold,
  newSignInAddress: z.boolean(),
  adminGrant: z.boolean(),
  secondFactorDisabled: z.boolean(),
  offHoursTokens: z.object({
    enabled: z.boolean(),
    startHour: z.number().int().min(0).max(23),
    endHour: z.number().int().min(1).max(24),
    weekdaysOnly: z.boolean(),
  }),
  massDelete: threshold,
  massExport: threshold,
  auditSettingsChanged: z.boolean(),
  enrollmentTokenWithoutExpiry: z.boolean(),
});
type ThresholdName = "failedSignInsPerUser" | "failedSignInsPerAddress" | "massDelete" | "massExport";
type FlagName = "newSignInAddress" | "adminGrant" | "secondFactorDisabled" | "auditSettingsChanged" | "enrollmentTokenWithoutExpiry";

function SettingsTab({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const settings = useQuery({
    queryKey: ["audit-detections", tenantId],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/audit-detections", { params: { path: { tenantId } } })),
  });
  if (settings.isLoading) return <Spinner label="Loading the detection settings" />;
  if (settings.error) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  return settings.data ? <SettingsForm tenantId={tenantId} manage={manage} settings={settings.data} /> : null;
}

function SettingsForm({ tenantId, manage, settings }: { tenantId: string; manage: boolean; settings: Settings }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(settingsSchema, settings);
  const errors = form.formState.errors;
  const save = form.submitWith(
    async (values) => {
      const saved = unwrap(await api.PUT("/api/v1/tenants/{tenantId}/audit-detections", { params: { path: { tenantId } }, body: values }));
      queryClient.setQueryData(["audit-detections", tenantId], saved);
      form.reset(saved);
      toast.show("Detection settings saved. The change is audited and raises an alert of its own.");
    },
    (field) => field,
  );
  const thresholdRow = (name: ThresholdName, what: string) => (
    <fieldset key={name} className="rounded-lg border border-line p-3" disabled={!manage}>
      <legend className="px-1 text-sm font-semibold">{detectionLabels[name]}</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" {...form.register(`${name}.enabled`)} /> On
      </label>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        <FormField label={`${what} (count)`} error={errors[name]?.count?.message}>
          <input className={inputClass} type="number" min={1} {...form.register(`${name}.count`, { valueAsNumber: true })} />
        </FormField>
        <FormField label="Within (minutes)" error={errors[name]?.windowMinutes?.message}>
          <input className={inputClass} type="number" min={1} {...form.register(`${name}.windowMinutes`, { valueAsNumber: true })} />
        </FormField>
      </div>
    </fieldset>
  );
  const flagRow = (name: FlagName) => (
    <label key={name} className="flex items-center gap-2 text-sm">
      <input type="checkbox" disabled={!manage} {...form.register(name)} /> {detectionLabels[name]}
    </label>
  );
  return (
    <form onSubmit={(e) => void save(e)} className="max-w-3xl space-y-4" aria-label="Detection settings">
      {!manage && <Alert tone="info">You can read these settings; changing them needs the audit:manage permission (administrators).</Alert>}
      {errors.root?.message && <Alert tone="error">{errors.root.message}</Alert>}
      <div className="grid gap-3 sm:grid-cols-2">
        {thresholdRow("failedSignInsPerUser", "Failed sign-ins")}
        {thresholdRow("failedSignInsPerAddress", "Failed sign-ins")}
        {thresholdRow("massDelete", "Deletions or revocations")}
        {thresholdRow("massExport", "Exports requested or downloaded")}
      </div>
      <fieldset className="rounded-lg border border-line p-3" disabled={!manage}>
        <legend className="px-1 text-sm font-semibold">{detectionLabels.offHoursToken}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" {...form.register("offHoursTokens.enabled")} /> On
        </label>
        <div className="mt-2 grid gap-2 sm:grid-cols-3">
          <FormField label="Working hours start (0–23)" error={errors.offHoursTokens?.startHour?.message}>
            <input className={inputClass} type="number" min={0} max={23} {...form.register("offHoursTokens.startHour", { valueAsNumber: true })} />
          </FormField>
          <FormField label="End (1–24)" error={errors.offHoursTokens?.endHour?.message}>
            <input className={inputClass} type="number" min={1} max={24} {...form.register("offHoursTokens.endHour", { valueAsNumber: true })} />
          </FormField>
          <label className="flex items-center gap-2 self-end pb-2 text-sm">
            <input type="checkbox" {...form.register("offHoursTokens.weekdaysOnly")} /> Weekdays only
          </label>
        </div>
        <p className="mt-1 text-xs text-muted">In the tenant&apos;s time zone (Tenant settings).</p>
      </fieldset>
      <div className="space-y-2">
        {flagRow("newSignInAddress")}
        {flagRow("adminGrant")}
        {flagRow("secondFactorDisabled")}
        {flagRow("auditSettingsChanged")}
        {flagRow("enrollmentTokenWithoutExpiry")}
      </div>
      {manage && (
        <Button type="submit" variant="primary" busy={form.formState.isSubmitting} disabled={!form.formState.isDirty}>
          Save detection settings
        </Button>
      )}
    </form>
  );
}
