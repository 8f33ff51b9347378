/** Query keys of the exports feature; invalidating it refreshes every exports list of the tenant. */
export const exportsKey = (tenantId: string) => ["exports", tenantId] as const;
