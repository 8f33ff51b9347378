import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const repository = resolve(import.meta.dirname, "../..");

/**
 * The real agent program in its own process: the published single file scripts/test makes
 * (TENANTRA_AGENT_BINARY), else the Release build run by dotnet. It collects a directory tree that
 * stands in for a machine's root, so a spec can change what it finds there.
 */
export class RealAgent {
  readonly directory = mkdtempSync(join(tmpdir(), "tenantra-e2e-agent-"));
  readonly root = join(this.directory, "root");
  private readonly config = join(this.directory, "agent.json");

  run(...args: string[]): string {
    const binary = process.env.TENANTRA_AGENT_BINARY;
    const [file, prefix] = binary ? [binary, []] : ["dotnet", [join(repository, "src/Tenantra.Agent/bin/Release/net10.0/tenantra-agent.dll")]];
    return execFileSync(file, [...prefix, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 90_000 });
  }

  enroll(server: string, token: string) {
    this.run("enroll", "--server", server, "--token", token, "--config", this.config, "--data", join(this.directory, "data"));
    const config = JSON.parse(readFileSync(this.config, "utf8"));
    writeFileSync(this.config, JSON.stringify({ ...config, collectionRoot: this.root }));
  }

  /** One heartbeat and every category collected and uploaded; throws when snapshots are left waiting. */
  runOnce(): string {
    return this.run("run", "--once", "--config", this.config);
  }

  write(path: string, text: string) {
    const full = join(this.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  remove() {
    rmSync(this.directory, { recursive: true, force: true });
  }
}
