import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const antiforgeryHeader = "X-XSRF-TOKEN";
const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The antiforgery token belongs to the signed-in identity: fetched on the first write and
 * forgotten whenever the identity changes (sign-in, sign-out, session expiry).
 */
let antiforgeryToken: Promise<string> | null = null;

export function forgetAntiforgeryToken() {
  antiforgeryToken = null;
}

function currentAntiforgeryToken(): Promise<string> {
  if (antiforgeryToken) return antiforgeryToken;
  const request: Promise<string> = fetch("/api/v1/auth/antiforgery", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`antiforgery ${r.status}`))))
    .then((body: Schemas["AntiforgeryResponse"]) => body.token)
    .catch((error: unknown) => {
      if (antiforgeryToken === request) antiforgeryToken = null;
      throw error;
    });
  antiforgeryToken = request;
  return request;
}

type SessionEndedListener = () => void;
const sessionEndedListeners = new Set<SessionEndedListener>();

/**
 * Called when the session this page was built for has ended: a 401 outside sign-in (expired,
 * signed out elsewhere), or an antiforgery refusal, which means the cookie now belongs to another
 * identity (another tab signed in as someone else). The write is not replayed under that identity.
 */
export function onSessionEnded(listener: SessionEndedListener): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

const sessionMiddleware: Middleware = {
  async onRequest({ request }) {
    if (unsafeMethods.has(request.method)) request.headers.set(antiforgeryHeader, await currentAntiforgeryToken());
    return request;
  },
  async onResponse({ request, response }) {
    const ended =
      (response.status === 401 && !new URL(request.url).pathname.startsWith("/api/v1/auth/")) ||
      (response.status === 400 && unsafeMethods.has(request.method) && (await isAntiforgeryRefusal(response)));
    if (ended) {
      forgetAntiforgeryToken();
      sessionEndedListeners.forEach((listener) => listener());
    }
    return response;
  },
};

async function isAntiforgeryRefusal(response: Response) {
  try {
    const body = (await response.clone().json()) as { title?: string };
    return body.title?.startsWith("Antiforgery") ?? false;
  } catch {
    return false;
  }
}

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "http://localhost", credentials: "same-origin" });
api.use(sessionMiddleware);
