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
  antiforgeryToken ??= fetch("/api/v1/auth/antiforgery", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`antiforgery ${r.status}`))))
    .then((body: Schemas["AntiforgeryResponse"]) => body.token)
    .catch((error: unknown) => {
      antiforgeryToken = null;
      throw error;
    });
  return antiforgeryToken;
}

type SessionExpiredListener = () => void;
const sessionExpiredListeners = new Set<SessionExpiredListener>();

/** Called when an API call answers 401 outside sign-in: the session ended (expired, signed out elsewhere). */
export function onSessionExpired(listener: SessionExpiredListener): () => void {
  sessionExpiredListeners.add(listener);
  return () => sessionExpiredListeners.delete(listener);
}

const replays = new WeakMap<Request, Request>();

const sessionMiddleware: Middleware = {
  async onRequest({ request }) {
    if (unsafeMethods.has(request.method)) {
      request.headers.set(antiforgeryHeader, await currentAntiforgeryToken());
      replays.set(request, request.clone());
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith("/api/v1/auth/")) {
      forgetAntiforgeryToken();
      sessionExpiredListeners.forEach((listener) => listener());
      return response;
    }
    // A token from before a re-sign-in (another tab) is refused once: fetch a fresh one and replay.
    const replay = replays.get(request);
    if (response.status === 400 && replay && (await isAntiforgeryRefusal(response))) {
      forgetAntiforgeryToken();
      replay.headers.set(antiforgeryHeader, await currentAntiforgeryToken());
      return fetch(replay);
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
