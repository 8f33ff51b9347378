import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useNavigate } from "react-router";
import { onSessionExpired } from "./api/client";
import { ApiProblem } from "./api/problems";
import { Spinner } from "./components/States";
import { ToastProvider } from "./components/Toasts";
import { RequireSignIn } from "./features/auth/RequireSignIn";
import { SignInPage } from "./features/auth/SignInPage";
import { homePath, useMe } from "./features/auth/session";
import { RequireFeature } from "./features/shell/RequireFeature";
import { Shell } from "./features/shell/Shell";
import { TenantHome } from "./features/shell/TenantHome";

const AccountPage = lazy(() => import("./features/auth/AccountPage").then((m) => ({ default: m.AccountPage })));
const AcceptInvitationPage = lazy(() => import("./features/auth/AcceptInvitationPage").then((m) => ({ default: m.AcceptInvitationPage })));
const ResetPasswordPage = lazy(() => import("./features/auth/ResetPasswordPage").then((m) => ({ default: m.ResetPasswordPage })));
const CustomersPage = lazy(() => import("./features/tenants/CustomersPage").then((m) => ({ default: m.CustomersPage })));
const MspsPage = lazy(() => import("./features/tenants/MspsPage").then((m) => ({ default: m.MspsPage })));
const TenantSettingsPage = lazy(() => import("./features/tenants/TenantSettingsPage").then((m) => ({ default: m.TenantSettingsPage })));
const UsersPage = lazy(() => import("./features/users/UsersPage").then((m) => ({ default: m.UsersPage })));
const InvitationsPage = lazy(() => import("./features/users/InvitationsPage").then((m) => ({ default: m.InvitationsPage })));
const MembershipsPage = lazy(() => import("./features/users/MembershipsPage").then((m) => ({ default: m.MembershipsPage })));
const ApiTokensPage = lazy(() => import("./features/api-tokens/ApiTokensPage").then((m) => ({ default: m.ApiTokensPage })));
const AuditPage = lazy(() => import("./features/audit/AuditPage").then((m) => ({ default: m.AuditPage })));
const SystemStatusPage = lazy(() => import("./features/system/SystemStatusPage").then((m) => ({ default: m.SystemStatusPage })));

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change on retry; network errors and 5xx get two more tries.
        retry: (failures, error) => !(error instanceof ApiProblem && error.status < 500) && failures < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

const queryClient = createQueryClient();

function feature(key: string, page: ReactNode) {
  return <RequireFeature feature={key}>{page}</RequireFeature>;
}

/** On a 401 from any call, go to sign-in (which forgets the session), coming back here afterwards. */
function SessionExpiry() {
  const navigate = useNavigate();
  useEffect(
    () =>
      onSessionExpired(() => {
        const here = window.location.pathname + window.location.search + window.location.hash;
        if (!window.location.pathname.startsWith("/sign-in")) navigate(`/sign-in?expired=1&returnTo=${encodeURIComponent(here)}`, { replace: true });
      }),
    [navigate],
  );
  return <Outlet />;
}

function Home() {
  const me = useMe();
  return me.data ? <Navigate to={homePath(me.data)} replace /> : <Spinner />;
}

const router = createBrowserRouter([
  {
    element: <SessionExpiry />,
    children: [
      { path: "/sign-in", element: <SignInPage /> },
      {
        path: "/invitations/accept",
        element: (
          <Suspense fallback={<Spinner />}>
            <AcceptInvitationPage />
          </Suspense>
        ),
      },
      {
        path: "/reset-password",
        element: (
          <Suspense fallback={<Spinner />}>
            <ResetPasswordPage />
          </Suspense>
        ),
      },
      {
        element: (
          <RequireSignIn>
            <Suspense fallback={<Spinner />}>
              <Shell />
            </Suspense>
          </RequireSignIn>
        ),
        children: [
          { path: "/", element: <Home /> },
          { path: "/account", element: <AccountPage /> },
          {
            path: "/t/:tenantId",
            children: [
              { index: true, element: <TenantHome /> },
              { path: "customers", element: feature("customers", <CustomersPage />) },
              { path: "msps", element: feature("msps", <MspsPage />) },
              { path: "users", element: feature("users", <UsersPage />) },
              { path: "invitations", element: feature("users", <InvitationsPage />) },
              { path: "memberships", element: feature("users", <MembershipsPage />) },
              { path: "api-tokens", element: feature("api-tokens", <ApiTokensPage />) },
              { path: "audit", element: feature("audit", <AuditPage />) },
              { path: "settings", element: feature("tenant", <TenantSettingsPage />) },
              { path: "system", element: feature("system", <SystemStatusPage />) },
            ],
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);

function NotFound() {
  return <p className="text-muted">This page does not exist.</p>;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}
