import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorState, Spinner } from "../../components/States";
import { useMe } from "./session";

/** Renders its children for a signed-in user; otherwise sends them to sign-in and back here afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Spinner label="Loading your session" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  if (me.data === null) {
    const returnTo = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/sign-in?returnTo=${returnTo}`} replace />;
  }
  return children;
}
