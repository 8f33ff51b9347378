import type { ReactNode } from "react";
import { Link } from "react-router";
import { problemMessage } from "../api/problems";
import { Button } from "./Button";

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 px-4 py-10 text-center">
      <p className="font-medium text-ink">{title}</p>
      {children && <div className="max-w-md text-sm text-muted">{children}</div>}
      {action}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="flex flex-col items-center gap-2 px-4 py-10 text-center">
      <p className="font-medium text-danger">This could not be loaded.</p>
      <p className="max-w-md text-sm text-muted">{problemMessage(error)}</p>
      {onRetry && <Button onClick={onRetry}>Try again</Button>}
    </div>
  );
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <div role="status" className="flex items-center justify-center gap-2 p-8 text-sm text-muted">
      <span className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden="true" />
      {label}…
    </div>
  );
}

/** Shown in place of a page the signed-in user may not see (the server refuses it too). */
export function NotPermitted({ home }: { home?: string }) {
  return (
    <EmptyState
      title="You do not have access to this page"
      action={
        home && (
          <Link className="text-sm font-medium text-accent underline" to={home}>
            Go to this tenant's start page
          </Link>
        )
      }
    >
      Your role in this tenant does not include it, or this kind of tenant has no such page. Ask an administrator of the tenant if you need it.
    </EmptyState>
  );
}
