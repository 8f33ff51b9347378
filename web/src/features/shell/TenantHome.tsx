import { Navigate } from "react-router";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { visibleNavItems } from "./navigation";
import { useFeatures, useTenant, useTenantId } from "./tenant";

/** `/t/:tenantId` opens the first page the caller may see in that tenant. */
export function TenantHome() {
  const tenantId = useTenantId();
  const features = useFeatures(tenantId);
  const tenant = useTenant(tenantId);
  if (features.isPending || tenant.isPending) return <Spinner />;
  if (features.isError) return <ErrorState error={features.error} onRetry={() => features.refetch()} />;
  if (tenant.isError) return <ErrorState error={tenant.error} onRetry={() => tenant.refetch()} />;
  const first = visibleNavItems(features.data, tenant.data.kind)[0];
  return first ? (
    <Navigate to={`/t/${tenantId}/${first.path}`} replace />
  ) : (
    <EmptyState title={`Welcome to ${tenant.data.name}`}>
      Your role here has no administration pages yet; features appear as your organisation enables them.
    </EmptyState>
  );
}
