import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { useTenantId } from "../shell/tenant";
import { TenantList } from "./TenantList";

export function CustomersPage() {
  const mspId = useTenantId();
  return (
    <TenantList
      title="Customers"
      description="The organisations this MSP manages. Open one to work inside it."
      noun="customer"
      queryKey={["customers", mspId]}
      showCustomerCount={false}
      fetchPage={async (query) => unwrap(await api.GET("/api/v1/msps/{mspId}/customers", { params: { path: { mspId }, query } }))}
      create={async (body) => unwrap(await api.POST("/api/v1/msps/{mspId}/customers", { params: { path: { mspId } }, body }))}
    />
  );
}
