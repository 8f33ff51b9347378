import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { PageHeader } from "../../components/PageHeader";
import { TenantList } from "./TenantList";

export function MspsPage() {
  return (
    <>
      <PageHeader title="MSPs" description="Managed service providers on this Tenantra installation." />
      <TenantList
        noun="MSP"
        queryKey={["msps"]}
        showCustomerCount
        fetchPage={async (query) => unwrap(await api.GET("/api/v1/msps", { params: { query } }))}
        create={async (body) => unwrap(await api.POST("/api/v1/msps", { body }))}
      />
    </>
  );
}
