import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Known credentials of the end-to-end installations (throwaway data, loopback only). */
export const credentials = {
  platformAdmin: { email: "platform@e2e.test", password: "Platform-e2e-password-1" },
  demoPassword: "Demo-e2e-password-1",
};

export const ports = { sqlite: 5191, postgres: 5192 } as const;

const repository = resolve(import.meta.dirname, "../..");
const serverDll = join(repository, "src/Tenantra.Server/bin/Release/net10.0/tenantra.dll");
const webRoot = join(repository, "web/dist");

export interface RunningServer {
  process: ChildProcess;
  dataDirectory: string;
  database?: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  execFileSync("dotnet", [serverDll, ...args], { env, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * Starts the real server (the Release build scripts/test makes) on a fresh database with a platform
 * administrator and the demo MSP, serving the console from web/dist.
 */
export async function startServer(engine: keyof typeof ports, postgres?: { owner: string; app: string }): Promise<RunningServer> {
  const dataDirectory = mkdtempSync(join(tmpdir(), `tenantra-e2e-${engine}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    Tenantra__DataDirectory: dataDirectory,
    // Every spec signs in from 127.0.0.1; the production limit (20 a minute per address) would refuse the suite.
    Tenantra__RateLimits__SignInPerMinute: "1000",
    // Drift is judged 60 s after an upload by default (bursts coalesce); the integrity spec need not wait that long.
    Tenantra__Integrity__EvaluationDelaySeconds: "2",
    DOTNET_NOLOGO: "1",
    ASPNETCORE_ENVIRONMENT: "Production",
  };
  let database: string | undefined;
  if (engine === "postgres" && postgres) {
    database = `tenantra_e2e_${Date.now()}`;
    execFileSync("psql", [toPsqlUri(postgres.owner), "-q", "-c", `CREATE DATABASE ${database}`], { stdio: "inherit" });
    env.Tenantra__Database__PostgresMigrations = withDatabase(postgres.owner, database);
    env.Tenantra__Database__Postgres = withDatabase(postgres.app, database);
  }
  cli(["migrate"], env);
  cli(["admin", "create", "--email", credentials.platformAdmin.email, "--password", credentials.platformAdmin.password], env);
  cli(["seed-demo", "--password", credentials.demoPassword], env);

  const url = `http://127.0.0.1:${ports[engine]}`;
  const server = spawn("dotnet", [serverDll, "serve", "--urls", url, "--webroot", webRoot], { env, stdio: ["ignore", "ignore", "inherit"] });
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { process: server, dataDirectory, database };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  server.kill();
  throw new Error(`The ${engine} server did not become ready at ${url}.`);
}

export function stopServer(server: RunningServer, postgres?: { owner: string }) {
  server.process.kill("SIGTERM");
  rmSync(server.dataDirectory, { recursive: true, force: true });
  if (server.database && postgres) {
    execFileSync("psql", [toPsqlUri(postgres.owner), "-q", "-c", `DROP DATABASE IF EXISTS ${server.database} WITH (FORCE)`], { stdio: "inherit" });
  }
}

/** "Host=h;Port=p;Username=u;Password=x;Database=d" with another database. */
function withDatabase(connection: string, database: string) {
  return connection.replace(/Database=[^;]*/i, `Database=${database}`);
}

function toPsqlUri(connection: string) {
  const parts = Object.fromEntries(
    connection
      .split(";")
      .filter(Boolean)
      .map((p) => p.split("=") as [string, string])
      .map(([k, v]) => [k.toLowerCase(), v]),
  );
  return `postgresql://${parts.username}:${parts.password}@${parts.host}:${parts.port}/${parts.database}`;
}
