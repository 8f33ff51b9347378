import { useEffect, type ReactNode } from "react";

/** The centred card of the pages used without a session: sign-in, invitation, password reset. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Tenantra`;
  }, [title]);
  return (
    <main className="flex min-h-screen items-center justify-center bg-surface p-4">
      <div className="w-full max-w-sm rounded-lg border border-line bg-panel p-6 shadow-sm">
        <p className="mb-1 text-sm font-semibold tracking-wide text-accent">Tenantra</p>
        <h1 className="mb-5 text-xl font-semibold text-ink">{title}</h1>
        {children}
      </div>
    </main>
  );
}
