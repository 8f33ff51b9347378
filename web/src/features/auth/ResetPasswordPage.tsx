import { useLocation, useNavigate } from "react-router";
import { z } from "zod";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { FormField, inputClass } from "../../components/FormField";
import { useApiForm } from "../../components/useApiForm";
import { fragmentParam } from "./AcceptInvitationPage";
import { AuthLayout } from "./AuthLayout";

const schema = z
  .object({
    newPassword: z.string().min(12, "Use at least 12 characters.").max(1024),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords differ." });

/** Opened from the link an administrator issues (`#email=…&token=…`). */
export function ResetPasswordPage() {
  const { hash } = useLocation();
  const navigate = useNavigate();
  const email = fragmentParam(hash, "email");
  const token = fragmentParam(hash, "token");
  const form = useApiForm(schema, { newPassword: "", confirmPassword: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async ({ newPassword }) => {
    unwrap(await api.POST("/api/v1/auth/password-reset", { body: { email, token, newPassword } }));
    navigate("/sign-in?reset=1", { replace: true });
  });
  if (!email || !token) {
    return (
      <AuthLayout title="Reset password">
        <Alert tone="error">This reset link is incomplete. Ask your administrator for a new one.</Alert>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Choose a new password">
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <p className="text-sm text-muted">For {email}</p>
        <FormField label="New password" error={errors.newPassword?.message} hint="At least 12 characters.">
          <input className={inputClass} type="password" autoComplete="new-password" {...form.register("newPassword")} />
        </FormField>
        <FormField label="Repeat the password" error={errors.confirmPassword?.message}>
          <input className={inputClass} type="password" autoComplete="new-password" {...form.register("confirmPassword")} />
        </FormField>
        {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
        <Button type="submit" variant="primary" busy={isSubmitting}>
          Set password
        </Button>
      </form>
    </AuthLayout>
  );
}
