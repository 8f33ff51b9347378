import type { ReactNode } from "react";
import { ErrorState, NotPermitted, Spinner } from "../../components/States";
import { isPageVisible, navItemFor } from "./navigation";
import { useFeatures, useTenant, useTenantId } from "./tenant";

/**
 * A tenant page shown only where navigation would offer it: its feature enabled for the caller in
 * the URL's tenant, and the tenant of a kind the page is for (customers under an MSP, MSPs under
 * the platform). Anything else says the page is not available; the server refuses the data anyway.
 */
export function RequirePage({ path, children }: { path: string; children: ReactNode }) {
  const tenantId = useTenantId();
  const features = useFeatures(tenantId);
  const tenant = useTenant(tenantId);
  const item = navItemFor(path);
  if (features.isPending || tenant.isPending) return <Spinner />;
  if (features.isError) return <ErrorState error={features.error} onRetry={() => features.refetch()} />;
  if (tenant.isError) return <ErrorState error={tenant.error} onRetry={() => tenant.refetch()} />;
  return item && isPageVisible(item, features.data, tenant.data.kind) ? children : <NotPermitted home={`/t/${tenantId}`} />;
}
