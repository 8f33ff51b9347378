import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { z } from "zod";
import { api, forgetAntiforgeryToken } from "../../api/client";
import { problemMessage, unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { FormField, inputClass } from "../../components/FormField";
import { Spinner } from "../../components/States";
import { useApiForm } from "../../components/useApiForm";
import { AuthLayout } from "./AuthLayout";
import { meQueryKey, rememberReturnTo, useMe } from "./session";

/** Secrets travel in the URL fragment (`#token=…`), which browsers never send to a server or in a Referer. */
export function fragmentParam(hash: string, name: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get(name);
}

const newAccountSchema = z
  .object({
    displayName: z.string().trim().min(1, "Enter your name.").max(200),
    password: z.string().min(12, "Use at least 12 characters.").max(1024),
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords differ." });

export function AcceptInvitationPage() {
  const location = useLocation();
  const token = fragmentParam(location.hash, "token");
  const me = useMe();
  const preview = useQuery({
    queryKey: ["invitation-preview", token],
    enabled: token !== null,
    retry: false,
    queryFn: async () => unwrap(await api.POST("/api/v1/invitations/preview", { body: { token } })),
  });

  if (!token) {
    return (
      <AuthLayout title="Invitation">
        <Alert tone="error">This invitation link is incomplete. Open the full link from your invitation.</Alert>
      </AuthLayout>
    );
  }
  if (preview.isPending || me.isPending) return <Spinner label="Checking the invitation" />;
  if (preview.isError) {
    return (
      <AuthLayout title="Invitation">
        <Alert tone="error">{problemMessage(preview.error)}</Alert>
      </AuthLayout>
    );
  }

  const invitation = preview.data;
  const signedInAs = me.data?.email.toLowerCase();
  return (
    <AuthLayout title={`Join ${invitation.tenantName}`}>
      <p className="mb-4 text-sm text-muted">
        {invitation.email} is invited as <strong className="text-ink">{invitation.role}</strong>. The invitation expires{" "}
        {new Date(invitation.expiresAt).toLocaleString()}.
      </p>
      {!invitation.accountExists ? (
        <NewAccountForm token={token} />
      ) : signedInAs === invitation.email.toLowerCase() ? (
        <AcceptAsSignedIn token={token} />
      ) : (
        <SignInAs email={invitation.email} signedInAs={me.data?.email} returnTo={`/invitations/accept${location.hash}`} />
      )}
    </AuthLayout>
  );
}

/** The invited account exists: sign in as it (signing out another account first), then come back here. */
function SignInAs({ email, signedInAs, returnTo }: { email: string; signedInAs: string | undefined; returnTo: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    if (signedInAs) {
      await api.POST("/api/v1/auth/sign-out");
      forgetAntiforgeryToken();
      queryClient.clear();
    }
    rememberReturnTo(returnTo);
    navigate("/sign-in", { replace: true });
  };
  return (
    <div className="flex flex-col gap-3">
      <Alert tone="info">
        {email} already has a Tenantra account.{" "}
        {signedInAs ? `You are signed in as ${signedInAs}; sign in as ${email} to accept.` : "Sign in with it to accept."}
      </Alert>
      <Button variant="primary" busy={busy} onClick={go}>
        {signedInAs ? `Sign out and sign in as ${email}` : "Sign in to accept"}
      </Button>
    </div>
  );
}

function NewAccountForm({ token }: { token: string }) {
  const navigate = useNavigate();
  const form = useApiForm(newAccountSchema, { displayName: "", password: "", confirmPassword: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async ({ displayName, password }) => {
    unwrap(await api.POST("/api/v1/invitations/accept", { body: { token, displayName, password } }));
    navigate("/sign-in?accepted=1", { replace: true });
  });
  return (
    <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
      <FormField label="Your name" error={errors.displayName?.message}>
        <input className={inputClass} autoComplete="name" {...form.register("displayName")} />
      </FormField>
      <FormField label="Choose a password" error={errors.password?.message} hint="At least 12 characters.">
        <input className={inputClass} type="password" autoComplete="new-password" {...form.register("password")} />
      </FormField>
      <FormField label="Repeat the password" error={errors.confirmPassword?.message}>
        <input className={inputClass} type="password" autoComplete="new-password" {...form.register("confirmPassword")} />
      </FormField>
      {errors.root && <Alert tone="error">{errors.root.message}</Alert>}
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Create account and join
      </Button>
    </form>
  );
}

function AcceptAsSignedIn({ token }: { token: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const accept = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/invitations/accept", { body: { token } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
      navigate("/", { replace: true });
    },
  });
  return (
    <div className="flex flex-col gap-3">
      {accept.isError && <Alert tone="error">{problemMessage(accept.error)}</Alert>}
      <Button variant="primary" busy={accept.isPending} onClick={() => accept.mutate()}>
        Accept invitation
      </Button>
    </div>
  );
}
