import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import type { Schemas } from "../api/client";
import { ToastProvider } from "../components/Toasts";

/**
 * Renders a page at `url` under the route `path` (e.g. `/t/:tenantId/notifications`), with a query
 * client that does not retry and the toasts; other paths render their path, so links can be followed.
 */
export function renderPage(path: string, url: string, page: ReactNode) {
  const router = createMemoryRouter(
    [
      { path, element: page },
      { path: "*", element: <p>Elsewhere</p> },
    ],
    { initialEntries: [url] },
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { router, queryClient, user: userEvent.setup() };
}

/** The features answer for a caller with these enabled features and permission scopes. */
export function featuresOf(tenantId: string, enabled: string[], permissions: string[] = []): Schemas["FeaturesResponse"] {
  return { tenantId, roles: ["admin"], permissions, features: enabled.map((key) => ({ key, title: key, enabled: true })) };
}
