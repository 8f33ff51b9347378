import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useNavigate, useParams } from "react-router";
import { onSessionEnded } from "./api/client";
import { ApiProblem } from "./api/problems";
import { Spinner } from "./components/States";
import { ToastProvider } from "./components/Toasts";
import { RequireSignIn } from "./features/auth/RequireSignIn";
import { SignInPage } from "./features/auth/SignInPage";
import { homePath, useMe } from "./features/auth/session";
import { RequirePage } from "./features/shell/RequirePage";
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
const AssetsPage = lazy(() => import("./features/assets/AssetsPage").then((m) => ({ default: m.AssetsPage })));
const AssetDetailPage = lazy(() => import("./features/assets/AssetDetailPage").then((m) => ({ default: m.AssetDetailPage })));
const EnrollmentPage = lazy(() => import("./features/assets/EnrollmentPage").then((m) => ({ default: m.EnrollmentPage })));
const IntegrityOverviewPage = lazy(() => import("./features/integrity/IntegrityOverviewPage").then((m) => ({ default: m.IntegrityOverviewPage })));
const IntegrityEventsPage = lazy(() => import("./features/integrity/IntegrityEventsPage").then((m) => ({ default: m.IntegrityEventsPage })));
const IntegrityEventPage = lazy(() => import("./features/integrity/IntegrityEventPage").then((m) => ({ default: m.IntegrityEventPage })));
const IntegritySettingsPage = lazy(() => import("./features/integrity/IntegritySettingsPage").then((m) => ({ default: m.IntegritySettingsPage })));
const ApiTokensPage = lazy(() => import("./features/api-tokens/ApiTokensPage").then((m) => ({ default: m.ApiTokensPage })));
const AuditPage = lazy(() => import("./features/audit/AuditPage").then((m) => ({ default: m.AuditPage })));
const AuditArchivePage = lazy(() => import("./features/audit/AuditArchivePage").then((m) => ({ default: m.AuditArchivePage })));
const AuditArchiveSegmentPage = lazy(() => import("./features/audit/AuditArchivePage").then((m) => ({ default: m.AuditArchiveSegmentPage })));
const AuditAlertsPage = lazy(() => import("./features/audit/AuditAlertsPage").then((m) => ({ default: m.AuditAlertsPage })));
const ExportsPage = lazy(() => import("./features/exports/ExportsPage").then((m) => ({ default: m.ExportsPage })));
const InboxPage = lazy(() => import("./features/notifications/InboxPage").then((m) => ({ default: m.InboxPage })));
const PreferencesPage = lazy(() => import("./features/notifications/PreferencesPage").then((m) => ({ default: m.PreferencesPage })));
const EndpointsPage = lazy(() => import("./features/notifications/EndpointsPage").then((m) => ({ default: m.EndpointsPage })));
const LedgerPage = lazy(() => import("./features/notifications/LedgerPage").then((m) => ({ default: m.LedgerPage })));
const EventPage = lazy(() => import("./features/notifications/EventPage").then((m) => ({ default: m.EventPage })));
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

function page(path: string, element: ReactNode) {
  return { path, element: <RequirePage path={path}>{element}</RequirePage> };
}

/** Pages of one tenant remount when the tenant changes: no list, form or result of the previous tenant survives. */
function TenantPages() {
  const { tenantId } = useParams();
  return <Outlet key={tenantId} />;
}

/** When the session ends (see onSessionEnded), go to sign-in (which forgets the session), coming back here afterwards. */
function SessionEnd() {
  const navigate = useNavigate();
  useEffect(
    () =>
      onSessionEnded(() => {
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
    element: <SessionEnd />,
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
            element: <TenantPages />,
            children: [
              { index: true, element: <TenantHome /> },
              page("customers", <CustomersPage />),
              page("msps", <MspsPage />),
              page("assets", <AssetsPage />),
              page("assets/:assetId", <AssetDetailPage />),
              page("enrollment", <EnrollmentPage />),
              page("integrity", <IntegrityOverviewPage />),
              page("integrity-events", <IntegrityEventsPage />),
              page("integrity-events/:integrityEventId", <IntegrityEventPage />),
              page("integrity-settings", <IntegritySettingsPage />),
              page("users", <UsersPage />),
              page("invitations", <InvitationsPage />),
              page("memberships", <MembershipsPage />),
              page("api-tokens", <ApiTokensPage />),
              page("audit", <AuditPage />),
              page("audit-alerts", <AuditAlertsPage />),
              page("audit-archive", <AuditArchivePage />),
              page("audit-archive/:firstSequence", <AuditArchiveSegmentPage />),
              page("exports", <ExportsPage />),
              page("notifications", <InboxPage />),
              page("notification-preferences", <PreferencesPage />),
              page("notification-endpoints", <EndpointsPage />),
              page("notification-ledger", <LedgerPage />),
              page("notification-ledger/events/:eventId", <EventPage />),
              page("settings", <TenantSettingsPage />),
              page("system", <SystemStatusPage />),
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
