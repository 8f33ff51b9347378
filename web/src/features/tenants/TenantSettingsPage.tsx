import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { z } from "zod";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState, Spinner } from "../../components/States";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import { meQueryKey } from "../auth/session";
import { can, useFeatures, useTenant, useTenantId } from "../shell/tenant";

const schema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200),
  timeZone: z.string().trim().min(1, "Enter a time zone.").max(64),
});

export function TenantSettingsPage() {
  const tenantId = useTenantId();
  const tenant = useTenant(tenantId);
  const features = useFeatures(tenantId);
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(schema, { name: "", timeZone: "" });
  const { errors, isSubmitting, isDirty } = form.formState;
  const editable = can(features.data, "tenant:manage");

  const { reset } = form;
  useEffect(() => {
    if (tenant.data) reset({ name: tenant.data.name, timeZone: tenant.data.timeZone });
  }, [tenant.data, reset]);

  if (tenant.isPending) return <Spinner />;
  if (tenant.isError) return <ErrorState error={tenant.error} onRetry={() => tenant.refetch()} />;

  const submit = form.submitWith(async (values) => {
    unwrap(await api.PATCH("/api/v1/tenants/{tenantId}", { params: { path: { tenantId } }, body: values }));
    // The name also shows in the switcher and breadcrumbs (from the signed-in user's memberships).
    await Promise.all([queryClient.invalidateQueries({ queryKey: ["tenant", tenantId] }), queryClient.invalidateQueries({ queryKey: meQueryKey })]);
    toast.show("Tenant settings saved.");
  });

  const t = tenant.data;
  return (
    <div className="flex max-w-2xl flex-col gap-6">
      <PageHeader
        title="Tenant settings"
        description={
          <>
            Kind: {t.kind} · Created {formatDate(t.createdAt)} · <Badge tone={statusTone(t.status)}>{t.status}</Badge>
          </>
        }
      />
      <section aria-label="General" className="rounded-lg border border-line bg-panel p-5">
        <form className="grid gap-4 sm:grid-cols-2" onSubmit={submit} noValidate>
          <FormField label="Name" error={errors.name?.message}>
            <input className={inputClass} disabled={!editable} {...form.register("name")} />
          </FormField>
          <FormField label="Time zone" error={errors.timeZone?.message}>
            <input className={inputClass} disabled={!editable} {...form.register("timeZone")} />
          </FormField>
          {errors.root && (
            <div className="sm:col-span-2">
              <Alert tone="error">{errors.root.message}</Alert>
            </div>
          )}
          {editable && (
            <div className="sm:col-span-2">
              <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty}>
                Save
              </Button>
            </div>
          )}
        </form>
      </section>
    </div>
  );
}
