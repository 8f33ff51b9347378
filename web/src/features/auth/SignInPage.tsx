import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { api, forgetAntiforgeryToken } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { FormField, inputClass } from "../../components/FormField";
import { useApiForm } from "../../components/useApiForm";
import { AuthLayout } from "./AuthLayout";
import { homePath, meQueryKey, safeReturnTo, takeRememberedReturnTo, useMe, type Me } from "./session";

const passwordSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(254),
  password: z.string().min(1, "Enter your password.").max(1024),
});

const codeSchema = z.object({
  code: z.string().trim().max(32),
  useRecoveryCode: z.boolean(),
});

/** Password, then (when enabled) the authenticator code or a recovery code; then back to where the user was going. */
export function SignInPage() {
  const me = useMe();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<"password" | "second-factor">("password");
  const returnTo = safeReturnTo(params.get("returnTo"));
  const expired = params.get("expired") === "1";
  const notice = params.get("accepted") ? "Your account is ready: sign in to continue." : params.get("reset") ? "Your password is set: sign in with it." : null;

  const finish = (user: Me) => {
    forgetAntiforgeryToken();
    queryClient.clear();
    queryClient.setQueryData(meQueryKey, user);
    navigate(returnTo ?? takeRememberedReturnTo() ?? homePath(user), { replace: true });
  };

  useEffect(() => {
    if (expired) queryClient.setQueryData(meQueryKey, null);
  }, [expired, queryClient]);

  if (me.data && step === "password" && !expired) return <Navigate to={returnTo ?? homePath(me.data)} replace />;

  return (
    <AuthLayout title={step === "password" ? "Sign in" : "Two-step verification"}>
      {expired && step === "password" && <Alert tone="warning">Your session has ended. Sign in again to continue where you were.</Alert>}
      {notice && step === "password" && <Alert tone="success">{notice}</Alert>}
      {step === "password" ? (
        <PasswordStep onSignedIn={finish} onSecondFactor={() => setStep("second-factor")} />
      ) : (
        <SecondFactorStep onSignedIn={finish} onBack={() => setStep("password")} />
      )}
    </AuthLayout>
  );
}

function PasswordStep({ onSignedIn, onSecondFactor }: { onSignedIn: (me: Me) => void; onSecondFactor: () => void }) {
  const form = useApiForm(passwordSchema, { email: "", password: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async (values) => {
    const result = unwrap(await api.POST("/api/v1/auth/sign-in", { body: values }));
    if (result.status === "two-factor-required") onSecondFactor();
    else if (result.user) onSignedIn(result.user);
  });
  return (
    <form className="mt-4 flex flex-col gap-4" onSubmit={submit} noValidate>
      <FormField label="Email" error={errors.email?.message}>
        <input className={inputClass} type="email" autoComplete="username" autoFocus {...form.register("email")} />
      </FormField>
      <FormField label="Password" error={errors.password?.message}>
        <input className={inputClass} type="password" autoComplete="current-password" {...form.register("password")} />
      </FormField>
      {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Sign in
      </Button>
    </form>
  );
}

function SecondFactorStep({ onSignedIn, onBack }: { onSignedIn: (me: Me) => void; onBack: () => void }) {
  const form = useApiForm(codeSchema, { code: "", useRecoveryCode: false });
  const { errors, isSubmitting } = form.formState;
  const useRecoveryCode = form.watch("useRecoveryCode");
  const submit = form.submitWith(async ({ code, useRecoveryCode: recovery }) => {
    if (!code) {
      form.setError("code", { message: recovery ? "Enter one of your recovery codes." : "Enter the 6-digit code from your authenticator app." });
      return;
    }
    const body = recovery ? { recoveryCode: code } : { code };
    const result = unwrap(await api.POST("/api/v1/auth/sign-in/two-factor", { body }));
    if (result.user) onSignedIn(result.user);
  });
  return (
    <form className="mt-4 flex flex-col gap-4" onSubmit={submit} noValidate>
      <p className="text-sm text-muted">
        {useRecoveryCode
          ? "Enter one of the recovery codes you saved when you set up two-step verification."
          : "Enter the 6-digit code from your authenticator app."}
      </p>
      <FormField label={useRecoveryCode ? "Recovery code" : "Authentication code"} error={errors.code?.message}>
        <input className={inputClass} autoComplete="one-time-code" inputMode={useRecoveryCode ? "text" : "numeric"} autoFocus {...form.register("code")} />
      </FormField>
      {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Verify
      </Button>
      <div className="flex justify-between text-sm">
        <button type="button" className="text-accent underline" onClick={() => form.setValue("useRecoveryCode", !useRecoveryCode)}>
          {useRecoveryCode ? "Use the authenticator app" : "Use a recovery code"}
        </button>
        <button type="button" className="text-muted underline" onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}
