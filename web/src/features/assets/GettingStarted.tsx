import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button } from "../../components/Button";
import { assetsKey } from "./queries";

export type StepState = "checking" | "todo" | "waiting" | "done";

/** What the tenant has; undefined while not known yet. */
export interface SetupCounts {
  memberships?: number;
  invitations?: number;
  enrollmentTokens?: number;
  assets?: number;
}

export interface SetupSteps {
  invite: StepState;
  token: StepState;
  agent: StepState;
}

/**
 * The getting-started steps from the tenant's counts. Someone is invited once the tenant has a second
 * member or any invitation; a step whose count is not known yet is being checked; the agent step
 * waits (the page polls) until the first asset exists.
 */
export function setupSteps({ memberships, invitations, enrollmentTokens, assets }: SetupCounts): SetupSteps {
  const invited = (memberships ?? 0) > 1 || (invitations ?? 0) > 0;
  return {
    invite: invited ? "done" : memberships === undefined || invitations === undefined ? "checking" : "todo",
    token: enrollmentTokens === undefined ? "checking" : enrollmentTokens > 0 ? "done" : "todo",
    agent: assets === undefined ? "checking" : assets > 0 ? "done" : "waiting",
  };
}

/** How often the checklist looks for the first check-in. */
const pollMs = 5_000;

const stateLabels: Record<StepState, string> = { checking: "Checking", todo: "To do", waiting: "Waiting", done: "Done" };

/**
 * A new tenant's checklist at the top of the Assets page: shown while the tenant has no asset, and
 * after the first one arrives until dismissed (remembered per tenant in this browser). The invite
 * step is left out for callers who cannot see the tenant's users.
 */
export function GettingStarted({ tenantId, showInvite }: { tenantId: string; showInvite: boolean }) {
  const queryClient = useQueryClient();
  const headingId = useId();
  const storageKey = `tenantra.gettingStarted.${tenantId}`;
  const [stored, setStored] = useState(() => localStorage.getItem(storageKey));
  const firstAsset = useQuery({
    queryKey: ["getting-started", tenantId, "first-asset"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/tenants/{tenantId}/assets", { params: { path: { tenantId }, query: { pageSize: 1, sort: "enrolledAt" } } })),
    refetchInterval: (query) => (query.state.data?.total === 0 ? pollMs : false),
  });
  const assets = firstAsset.data?.total;
  const visible = assets === 0 || (assets !== undefined && stored === "open");
  /** A list's total from its first page of one, fetched while the checklist shows. */
  const countQuery = (key: string, fetch: () => Promise<{ total: number }>, enabled = true) => ({
    queryKey: ["getting-started", tenantId, key],
    queryFn: async () => (await fetch()).total,
    enabled: visible && enabled,
  });
  const path = { tenantId };
  const memberships = useQuery(
    countQuery(
      "memberships",
      async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/memberships", { params: { path, query: { pageSize: 1 } } })),
      showInvite,
    ),
  );
  const invitations = useQuery(
    countQuery(
      "invitations",
      async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/invitations", { params: { path, query: { pageSize: 1 } } })),
      showInvite,
    ),
  );
  const tokens = useQuery(
    countQuery("enrollment-tokens", async () =>
      unwrap(await api.GET("/api/v1/tenants/{tenantId}/enrollment-tokens", { params: { path, query: { pageSize: 1 } } })),
    ),
  );

  // Remember that this tenant started empty here; when its first asset arrives, the asset list and the
  // other steps' counts (a token made in another tab, say) refresh too.
  const sawEmpty = useRef(false);
  useEffect(() => {
    if (assets === 0) {
      sawEmpty.current = true;
      localStorage.setItem(storageKey, "open");
      setStored("open");
    } else if (assets !== undefined && assets > 0 && sawEmpty.current) {
      sawEmpty.current = false;
      void queryClient.invalidateQueries({ queryKey: assetsKey(tenantId) });
      void queryClient.invalidateQueries({ queryKey: ["getting-started", tenantId] });
    }
  }, [assets, storageKey, queryClient, tenantId]);

  if (!visible) return null;
  const steps = setupSteps({ memberships: memberships.data, invitations: invitations.data, enrollmentTokens: tokens.data, assets });
  const hostname = firstAsset.data?.items[0]?.hostname;
  const enrollment = `/t/${tenantId}/enrollment`;
  const list = [
    ...(showInvite
      ? [
          {
            title: "Invite a colleague",
            to: `/t/${tenantId}/invitations`,
            state: steps.invite,
            text: steps.invite === "done" ? "Someone else has access to this tenant." : "So that you are not the only one who can look after it.",
          },
        ]
      : []),
    {
      title: "Create an enrollment token",
      to: enrollment,
      state: steps.token,
      text: steps.token === "done" ? "Agents can join with it." : "The token lets an agent join this tenant; the install commands come with it.",
    },
    {
      title: "Install the first agent",
      to: enrollment,
      state: steps.agent,
      text: steps.agent === "done" ? `${hostname ?? "The first asset"} checked in.` : "Waiting for the first check-in…",
      live: true,
    },
  ];

  return (
    <section aria-labelledby={headingId} className="mb-4 rounded-lg border border-line bg-panel p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-base font-semibold">
            Getting started
          </h2>
          <p className="text-sm text-muted">From an empty tenant to its first machine in the inventory.</p>
        </div>
        {steps.agent === "done" && (
          <Button
            variant="ghost"
            aria-label="Dismiss the getting-started checklist"
            onClick={() => {
              localStorage.setItem(storageKey, "dismissed");
              setStored("dismissed");
            }}
          >
            Dismiss
          </Button>
        )}
      </div>
      <ol className="mt-3 flex flex-col gap-3">
        {list.map((step, index) => (
          <li key={step.title} className="flex items-start gap-3">
            <StepMarker state={step.state} number={index + 1} />
            <div className="text-sm">
              <Link to={step.to} className="font-medium text-accent underline">
                {step.title}
              </Link>
              <span className="sr-only"> ({stateLabels[step.state]})</span>
              <p role={step.live ? "status" : undefined} className={step.state === "done" ? "text-ok" : "text-muted"}>
                {step.state === "checking" ? "Checking…" : step.text}
              </p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function StepMarker({ state, number }: { state: StepState; number: number }) {
  const base = "flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold";
  if (state === "done")
    return (
      <span aria-hidden="true" className={`${base} bg-ok text-white dark:text-surface`}>
        ✓
      </span>
    );
  if (state === "waiting")
    return (
      <span aria-hidden="true" className={`${base} border-2 border-accent`}>
        <span className="size-3 animate-spin rounded-full border-2 border-accent border-t-transparent" />
      </span>
    );
  return (
    <span aria-hidden="true" className={`${base} border border-line bg-raised`}>
      {number}
    </span>
  );
}
