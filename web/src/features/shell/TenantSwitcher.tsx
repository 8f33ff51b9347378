import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { inputClass } from "../../components/FormField";
import { useDebounced } from "../../components/useDebounced";
import type { Me } from "../auth/session";
import { navItemFor } from "./navigation";

interface Choice {
  id: string;
  name: string;
  kind: Schemas["TenantKind"];
  via?: string;
}

/**
 * Jump to any tenant the user can open: their own memberships, the customers of their MSPs
 * (searched on the server, so an MSP with hundreds of customers stays quick) and, for platform
 * administrators, the MSPs. Keeps the current section when switching.
 */
export function TenantSwitcher({ me, currentTenantId, currentName }: { me: Me; currentTenantId: string; currentName: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)} aria-haspopup="dialog" className="max-w-72" aria-label={`Tenant: ${currentName}. Switch tenant`}>
        <span className="truncate">{currentName}</span>
        <span aria-hidden="true">▾</span>
      </Button>
      <Dialog open={open} title="Switch tenant" onClose={() => setOpen(false)}>
        {open && <SwitcherBody me={me} currentTenantId={currentTenantId} onChosen={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}

function SwitcherBody({ me, currentTenantId, onChosen }: { me: Me; currentTenantId: string; onChosen: () => void }) {
  const [q, setQ] = useState("");
  const { pathname } = useLocation();
  const section = navItemFor(pathname.split("/")[3] ?? "");
  const needle = q.trim().toLowerCase();
  const serverNeedle = useDebounced(needle, 250);
  /** Keep the section when it exists for the kind of tenant chosen; else the tenant's start page. */
  const linkTo = (choice: Choice) =>
    section && (!section.kinds || section.kinds.includes(choice.kind)) ? `/t/${choice.id}/${section.path}` : `/t/${choice.id}`;

  const own: Choice[] = [...new Map(me.memberships.map((m) => [m.tenantId, { id: m.tenantId, name: m.tenantName, kind: m.tenantKind }])).values()];
  const msps = own.filter((c) => c.kind === "msp");
  const platform = own.find((c) => c.kind === "platform");

  const customers = useQuery({
    queryKey: ["switcher-customers", msps.map((m) => m.id), serverNeedle],
    placeholderData: (previous) => previous,
    enabled: msps.length > 0,
    queryFn: async () => {
      const pages = await Promise.all(
        msps.map(async (msp) => {
          const page = unwrap(
            await api.GET("/api/v1/msps/{mspId}/customers", { params: { path: { mspId: msp.id }, query: { q: serverNeedle || undefined, pageSize: 25 } } }),
          );
          return {
            choices: page.items.filter((t) => t.status !== "deleted").map((t): Choice => ({ id: t.id, name: t.name, kind: t.kind, via: msp.name })),
            more: page.total - page.items.length,
          };
        }),
      );
      return { choices: pages.flatMap((p) => p.choices), more: pages.reduce((sum, p) => sum + p.more, 0) };
    },
  });
  const platformMsps = useQuery({
    queryKey: ["switcher-msps", serverNeedle],
    placeholderData: (previous) => previous,
    enabled: platform !== undefined,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/msps", { params: { query: { q: serverNeedle || undefined, pageSize: 25 } } })).items.map((t): Choice => ({
        id: t.id,
        name: t.name,
        kind: t.kind,
      })),
  });

  const matches = (c: Choice) => needle === "" || c.name.toLowerCase().includes(needle);
  const groups: { label: string; choices: Choice[] }[] = [
    { label: "Your organisations", choices: own.filter(matches) },
    { label: "MSPs", choices: (platformMsps.data ?? []).filter((c) => !own.some((o) => o.id === c.id)) },
    { label: "Customers", choices: (customers.data?.choices ?? []).filter((c) => !own.some((o) => o.id === c.id)) },
  ];

  return (
    <div className="flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Search tenants
        <input className={inputClass} type="search" autoFocus value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name of a customer or MSP" />
      </label>
      <div className="max-h-80 overflow-y-auto">
        {groups
          .filter((g) => g.choices.length > 0)
          .map((group) => (
            <section key={group.label} aria-label={group.label} className="mb-3">
              <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">{group.label}</h3>
              <ul className="flex flex-col">
                {group.choices.map((choice) => (
                  <li key={choice.id}>
                    <Link
                      to={linkTo(choice)}
                      onClick={onChosen}
                      aria-current={choice.id === currentTenantId ? "true" : undefined}
                      className="flex items-center justify-between rounded px-2 py-1.5 text-sm text-ink hover:bg-raised aria-[current=true]:font-semibold"
                    >
                      <span>{choice.name}</span>
                      <span className="text-xs text-muted">{choice.via ?? choice.kind}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        {(customers.data?.more ?? 0) > 0 && (
          <p className="text-sm text-muted">{customers.data!.more.toLocaleString()} more customers match: type more of the name.</p>
        )}
        {(customers.isFetching || platformMsps.isFetching) && <p className="text-sm text-muted">Searching…</p>}
        {!customers.isFetching && !platformMsps.isFetching && groups.every((g) => g.choices.length === 0) && (
          <p className="text-sm text-muted">No tenant matches “{q}”.</p>
        )}
      </div>
    </div>
  );
}
