import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { TenantList } from "./TenantList";

export function MspsPage() {
  return (
    <TenantList
      title="MSPs"
      description="Managed service providers on this Tenantra installation."
      noun="MSP"
      queryKey={["msps"]}
      showCustomerCount
      fetchPage={async (query) => unwrap(await api.GET("/api/v1/msps", { params: { query } }))}
      create={async (body) => unwrap(await api.POST("/api/v1/msps", { body }))}
    />
  );
}
