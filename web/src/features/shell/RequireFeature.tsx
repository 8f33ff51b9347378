import type { ReactNode } from "react";
import { ErrorState, NotPermitted, Spinner } from "../../components/States";
import { isEnabled, useFeatures, useTenantId } from "./tenant";

/** A page shown only when its feature is enabled for the caller in the URL's tenant. */
export function RequireFeature({ feature, children }: { feature: string; children: ReactNode }) {
  const tenantId = useTenantId();
  const features = useFeatures(tenantId);
  if (features.isPending) return <Spinner />;
  if (features.isError) return <ErrorState error={features.error} onRetry={() => features.refetch()} />;
  return isEnabled(features.data, feature) ? children : <NotPermitted />;
}
