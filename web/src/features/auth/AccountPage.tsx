import { useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import { RecoveryCodes } from "./RecoveryCodes";
import { meQueryKey, useMe } from "./session";

const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword: z.string().min(12, "Use at least 12 characters.").max(1024),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords differ." });

export function AccountPage() {
  const me = useMe().data;
  if (!me) return null;
  return (
    <div className="flex max-w-2xl flex-col gap-6">
      <PageHeader title="Your account" description={`${me.displayName} · ${me.email}`} />
      <ChangePassword />
      <TwoFactor enabled={me.twoFactorEnabled} />
    </div>
  );
}

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-line bg-panel p-5">
      <h2 className="mb-3 text-base font-semibold text-ink">{title}</h2>
      {children}
    </section>
  );
}

function ChangePassword() {
  const toast = useToast();
  const form = useApiForm(passwordChangeSchema, { currentPassword: "", newPassword: "", confirmPassword: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async ({ currentPassword, newPassword }) => {
    unwrap(await api.POST("/api/v1/auth/password", { body: { currentPassword, newPassword } }));
    form.reset();
    toast.show("Password changed. Your other sessions have been signed out.");
  });
  return (
    <Card title="Password">
      <form className="grid gap-4 sm:grid-cols-3" onSubmit={submit} noValidate>
        <FormField label="Current password" error={errors.currentPassword?.message}>
          <input className={inputClass} type="password" autoComplete="current-password" {...form.register("currentPassword")} />
        </FormField>
        <FormField label="New password" error={errors.newPassword?.message}>
          <input className={inputClass} type="password" autoComplete="new-password" {...form.register("newPassword")} />
        </FormField>
        <FormField label="Repeat new password" error={errors.confirmPassword?.message}>
          <input className={inputClass} type="password" autoComplete="new-password" {...form.register("confirmPassword")} />
        </FormField>
        {errors.root && (
          <div className="sm:col-span-3">
            <Alert tone="error">{errors.root.message}</Alert>
          </div>
        )}
        <div className="sm:col-span-3">
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}

const codeSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code from the app."),
});
const confirmSchema = z.object({ password: z.string().min(1, "Enter your password.") });

function TwoFactor({ enabled }: { enabled: boolean }) {
  const queryClient = useQueryClient();
  const [enrollment, setEnrollment] = useState<Schemas["TwoFactorEnrollmentResponse"] | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: meQueryKey });

  const begin = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrollment(unwrap(await api.POST("/api/v1/auth/two-factor/enrollment")));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Two-step verification">
      <p className="mb-3 flex items-center gap-2 text-sm text-muted">Status: {enabled ? <Badge tone="ok">On</Badge> : <Badge tone="warn">Off</Badge>}</p>
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}
      {!codes && !enabled && !enrollment && (
        <>
          <p className="mb-3 text-sm text-muted">Protect your account with a code from an authenticator app (TOTP) at every sign-in.</p>
          {error && <Alert tone="error">{error}</Alert>}
          <Button variant="primary" busy={busy} onClick={begin}>
            Set up two-step verification
          </Button>
        </>
      )}
      {!codes && !enabled && enrollment && (
        <Enrol
          enrollment={enrollment}
          onEnabled={(recoveryCodes) => {
            setEnrollment(null);
            setCodes(recoveryCodes);
            void refreshMe();
          }}
          onCancel={() => setEnrollment(null)}
        />
      )}
      {!codes && enabled && <ManageTwoFactor onCodes={setCodes} onDisabled={refreshMe} />}
    </Card>
  );
}

function Enrol({
  enrollment,
  onEnabled,
  onCancel,
}: {
  enrollment: Schemas["TwoFactorEnrollmentResponse"];
  onEnabled: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const [qr, setQr] = useState<string | null>(null);
  const form = useApiForm(codeSchema, { code: "" });
  const { errors, isSubmitting } = form.formState;
  useEffect(() => {
    void QRCode.toDataURL(enrollment.otpAuthUri, { margin: 1, width: 192 }).then(setQr);
  }, [enrollment.otpAuthUri]);
  const submit = form.submitWith(async ({ code }) => {
    const result = unwrap(await api.POST("/api/v1/auth/two-factor/enable", { body: { code } }));
    onEnabled(result.recoveryCodes);
  });
  return (
    <div className="flex flex-col gap-4 sm:flex-row">
      <div className="flex flex-col items-center gap-2">
        {qr ? (
          <img src={qr} width={192} height={192} alt="QR code to scan with your authenticator app" className="rounded bg-white p-1" />
        ) : (
          <div className="size-48 animate-pulse rounded bg-raised" />
        )}
      </div>
      <form className="flex flex-1 flex-col gap-3" onSubmit={submit} noValidate>
        <p className="text-sm text-muted">Scan the code with your authenticator app, or enter this key by hand:</p>
        <code data-testid="totp-secret" className="rounded bg-raised px-2 py-1 font-mono text-sm break-all text-ink">
          {enrollment.secret}
        </code>
        <FormField label="Code from the app" error={errors.code?.message}>
          <input className={inputClass} inputMode="numeric" autoComplete="one-time-code" {...form.register("code")} />
        </FormField>
        {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Turn on
          </Button>
          <Button onClick={onCancel}>Cancel</Button>
        </div>
      </form>
    </div>
  );
}

function ManageTwoFactor({ onCodes, onDisabled }: { onCodes: (codes: string[]) => void; onDisabled: () => void }) {
  const toast = useToast();
  const form = useApiForm(confirmSchema, { password: "" });
  const { errors, isSubmitting } = form.formState;
  const regenerate = form.submitWith(async ({ password }) => {
    const result = unwrap(await api.POST("/api/v1/auth/two-factor/recovery-codes", { body: { password } }));
    form.reset();
    onCodes(result.recoveryCodes);
  });
  const disable = form.submitWith(async ({ password }) => {
    unwrap(await api.POST("/api/v1/auth/two-factor/disable", { body: { password } }));
    form.reset();
    toast.show("Two-step verification is off.", "info");
    onDisabled();
  });
  return (
    <form className="flex flex-col gap-3" noValidate onSubmit={(e) => e.preventDefault()}>
      <p className="text-sm text-muted">Confirm with your password to replace your recovery codes or to turn two-step verification off.</p>
      <FormField label="Password" error={errors.password?.message}>
        <input className={inputClass} type="password" autoComplete="current-password" {...form.register("password")} />
      </FormField>
      {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button busy={isSubmitting} onClick={regenerate}>
          New recovery codes
        </Button>
        <Button variant="danger" busy={isSubmitting} onClick={disable}>
          Turn off
        </Button>
      </div>
    </form>
  );
}
