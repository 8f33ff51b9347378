import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { api, forgetAntiforgeryToken } from "../../api/client";
import { Button } from "../../components/Button";
import { useMe, type Me } from "../auth/session";
import { NotificationBell } from "../notifications/NotificationBell";
import { navItemFor, visibleNavItems } from "./navigation";
import { useFeatures, useTenant } from "./tenant";
import { TenantSwitcher } from "./TenantSwitcher";
import { applyTheme, initialTheme, type Theme } from "./theme";

/** The last tenant a user opened in this browser, per user, so another account never inherits it. */
const lastTenantKey = (userId: string) => `tenantra.lastTenant.${userId}`;

/** The signed-in frame: top bar (tenant switcher, theme, account), navigation, breadcrumbs and the page. */
export function Shell() {
  const me = useMe().data as Me;
  const { tenantId: routeTenantId } = useParams();
  const tenantId = routeTenantId ?? localStorage.getItem(lastTenantKey(me.id)) ?? me.memberships[0]?.tenantId;
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();

  useEffect(() => {
    if (routeTenantId) localStorage.setItem(lastTenantKey(me.id), routeTenantId);
  }, [routeTenantId, me.id]);
  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <div className="flex min-h-screen flex-col bg-surface text-ink">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-panel focus:p-2">
        Skip to content
      </a>
      <header className="flex items-center gap-3 border-b border-line bg-panel px-4 py-2">
        <Button variant="ghost" className="lg:hidden" aria-expanded={menuOpen} aria-controls="navigation" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </Button>
        <Link to="/" className="font-semibold text-accent">
          Tenantra
        </Link>
        {tenantId && <TenantPicker me={me} tenantId={tenantId} />}
        <div className="ml-auto flex items-center gap-2">
          {tenantId && <NotificationBell tenantId={tenantId} />}
          <ThemeToggle />
          <UserMenu me={me} />
        </div>
      </header>
      <div className="flex flex-1">
        {tenantId && (
          <nav id="navigation" aria-label="Main" className={`${menuOpen ? "block" : "hidden"} w-56 shrink-0 border-r border-line bg-panel p-3 lg:block`}>
            <TenantNavigation tenantId={tenantId} />
          </nav>
        )}
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-4 outline-none md:p-6">
          {tenantId && <Breadcrumbs tenantId={tenantId} />}
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function TenantPicker({ me, tenantId }: { me: Me; tenantId: string }) {
  const tenant = useTenant(tenantId);
  return <TenantSwitcher me={me} currentTenantId={tenantId} currentName={tenant.data?.name ?? "Choose a tenant"} />;
}

function TenantNavigation({ tenantId }: { tenantId: string }) {
  const features = useFeatures(tenantId);
  const tenant = useTenant(tenantId);
  const items = visibleNavItems(features.data, tenant.data?.kind);
  if (features.isPending) return <p className="p-2 text-sm text-muted">Loading…</p>;
  return (
    <ul className="flex flex-col gap-0.5">
      {items.map((item) => (
        <li key={item.path}>
          <NavLink
            to={`/t/${tenantId}/${item.path}`}
            className={({ isActive }) =>
              `block rounded px-3 py-1.5 text-sm ${isActive ? "bg-accent/15 font-semibold text-accent" : "text-ink hover:bg-raised"}`
            }
          >
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

function Breadcrumbs({ tenantId }: { tenantId: string }) {
  const tenant = useTenant(tenantId);
  const { pathname } = useLocation();
  const segments = pathname.split("/");
  const section = navItemFor(segments[3] ?? "");
  // Below a section (an asset of Assets), the section links back to its list.
  const deeper = Boolean(segments[4]);
  const parentId = tenant.data?.parentId;
  const parent = useTenant(tenant.data?.kind === "customer" ? (parentId ?? undefined) : undefined);
  const showParent = parentId && tenant.data?.kind === "customer" && parent.data;
  return (
    <nav aria-label="Breadcrumb" className="mb-3 text-sm text-muted">
      <ol className="flex flex-wrap items-center gap-1">
        {showParent && (
          <li>
            <Link className="hover:text-ink hover:underline" to={`/t/${parentId}/customers`}>
              {parent.data.name}
            </Link>
            <span aria-hidden="true"> / </span>
          </li>
        )}
        <li>
          <Link className="hover:text-ink hover:underline" to={`/t/${tenantId}`} aria-current={section ? undefined : "page"}>
            {tenant.data?.name ?? "…"}
          </Link>
        </li>
        {section && (
          <li aria-current={deeper ? undefined : "page"}>
            <span aria-hidden="true">/ </span>
            {deeper ? (
              <Link className="hover:text-ink hover:underline" to={`/t/${tenantId}/${section.path}`}>
                {section.label}
              </Link>
            ) : (
              section.label
            )}
          </li>
        )}
      </ol>
    </nav>
  );
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (document.documentElement.classList.contains("dark") ? "dark" : initialTheme()));
  const next = theme === "dark" ? "light" : "dark";
  return (
    <Button
      variant="ghost"
      aria-label={`Switch to ${next} theme`}
      onClick={() => {
        applyTheme(next, true);
        setTheme(next);
      }}
    >
      {theme === "dark" ? "☾" : "☀"}
    </Button>
  );
}

function UserMenu({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = async () => {
    await api.POST("/api/v1/auth/sign-out");
    forgetAntiforgeryToken();
    queryClient.clear();
    navigate("/sign-in", { replace: true });
  };
  return (
    <div className="flex items-center gap-2 text-sm">
      <Link to="/account" className="hidden max-w-48 truncate text-ink hover:underline md:inline" title={me.email}>
        {me.displayName}
      </Link>
      <Button variant="ghost" onClick={signOut}>
        Sign out
      </Button>
    </div>
  );
}
