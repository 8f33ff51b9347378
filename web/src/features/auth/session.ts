import { useQuery } from "@tanstack/react-query";
import { api, type Schemas } from "../../api/client";
import { toProblem } from "../../api/problems";

export type Me = Schemas["MeResponse"];

export const meQueryKey = ["me"] as const;

/** The signed-in user, or null when there is no session (401). */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: async (): Promise<Me | null> => {
      const { data, error, response } = await api.GET("/api/v1/auth/me");
      if (response.status === 401) return null;
      if (!response.ok || !data) throw toProblem(response.status, error);
      return data;
    },
    staleTime: 60_000,
  });
}

/**
 * A local path to go back to after sign-in. Anything else (another origin, a protocol-relative
 * `//host`, a backslash trick) is refused so the sign-in page cannot be used as an open redirect.
 */
export function safeReturnTo(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//")) return null;
  // Browsers drop tabs and newlines and read "\" as "/", so "/\t/evil.com" would mean "//evil.com".
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  if (value.startsWith("/sign-in")) return null;
  return value;
}

const pendingReturnKey = "tenantra.returnTo";

/**
 * A return path that must not travel in the sign-in URL's query, because it holds a secret in its
 * fragment (an invitation link): kept in this tab's session storage until the next sign-in.
 */
export function rememberReturnTo(path: string) {
  sessionStorage.setItem(pendingReturnKey, path);
}

export function takeRememberedReturnTo(): string | null {
  const path = sessionStorage.getItem(pendingReturnKey);
  sessionStorage.removeItem(pendingReturnKey);
  return safeReturnTo(path);
}

/** Where a user lands without a return path: their MSP or platform tenant first, else the first membership. */
export function homePath(me: Me): string {
  const preferred = me.memberships.find((m) => m.tenantKind === "platform") ?? me.memberships.find((m) => m.tenantKind === "msp") ?? me.memberships[0];
  return preferred ? `/t/${preferred.tenantId}` : "/account";
}
