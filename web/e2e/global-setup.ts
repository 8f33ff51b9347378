import { startServer, stopServer, type RunningServer } from "./servers";

export const postgresSettings = () =>
  process.env.TENANTRA_TEST_POSTGRES_OWNER && process.env.TENANTRA_TEST_POSTGRES_APP
    ? { owner: process.env.TENANTRA_TEST_POSTGRES_OWNER, app: process.env.TENANTRA_TEST_POSTGRES_APP }
    : undefined;

/** Starts a SQLite server (all specs) and, when PostgreSQL settings are present, a PostgreSQL server (sign-in spec). */
export default async function globalSetup() {
  const postgres = postgresSettings();
  const servers: RunningServer[] = [await startServer("sqlite")];
  if (postgres) servers.push(await startServer("postgres", postgres));
  else console.log("e2e: TENANTRA_TEST_POSTGRES_OWNER/APP not set; the PostgreSQL project does not run (scripts/test sets them).");
  return async () => {
    for (const server of servers) stopServer(server, postgres);
  };
}
