import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import { gzipSync } from "node:zlib";

export interface SnapshotEntry {
  kind: string;
  key: string;
  fields: Record<string, string>;
}

/**
 * An agent simulated over real HTTP: its own P-256 key, enrollment with a token, and requests signed
 * as src/Tenantra.Agent.Contracts/AgentRequestSignature.cs describes (ECDSA P-256 with SHA-256, IEEE
 * P1363 signature, over "TENANTRA-AGENT-1", method, path, unix seconds, nonce and the body's SHA-256).
 */
export class SimulatedAgent {
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  private agentId = "";

  constructor(
    private readonly baseUrl: string,
    readonly hostname: string,
  ) {}

  async enroll(token: string) {
    const publicKey = this.keys.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const body = { token, publicKey, machineId: randomUUID(), hostname: this.hostname, os: "linux", osVersion: "Debian 13", agentVersion: "0.1.0-e2e" };
    const response = await fetch(`${this.baseUrl}/api/v1/agent/enroll`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`enroll: ${response.status} ${await response.text()}`);
    this.agentId = ((await response.json()) as { agentId: string }).agentId;
  }

  heartbeat(addresses: string[], droppedSnapshots = 0) {
    const body = {
      agentVersion: "0.1.0-e2e",
      hostname: this.hostname,
      os: "linux",
      osVersion: "Debian 13",
      uptimeSeconds: 93_784,
      addresses,
      droppedSnapshots,
    };
    return this.send("/api/v1/agent/heartbeat", Buffer.from(JSON.stringify(body)), "application/json");
  }

  upload(category: string, entries: SnapshotEntry[]) {
    const snapshot = { schemaVersion: 1, snapshotId: randomUUID(), category, collectedAt: new Date().toISOString(), entries };
    return this.send("/api/v1/agent/snapshots", gzipSync(JSON.stringify(snapshot)), "application/gzip");
  }

  private async send(path: string, body: Buffer, contentType: string) {
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const nonce = randomBytes(16).toString("base64url");
    const canonical = ["TENANTRA-AGENT-1", "POST", path, timestamp, nonce, createHash("sha256").update(body).digest("hex")].join("\n");
    const signature = sign("sha256", Buffer.from(canonical), { key: this.keys.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64");
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: "POST",
      headers: {
        "Content-Type": contentType,
        "X-Tenantra-Agent": this.agentId,
        "X-Tenantra-Timestamp": timestamp,
        "X-Tenantra-Nonce": nonce,
        "X-Tenantra-Signature": signature,
      },
      body: new Uint8Array(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Services as the Linux agent reports systemd units. */
export const serviceEntries: SnapshotEntry[] = [
  {
    kind: "systemd-unit",
    key: "ssh.service",
    fields: {
      path: "/usr/lib/systemd/system/ssh.service",
      sha256: sha256("ssh"),
      enabled: "enabled",
      active: "active",
      sub: "running",
      ExecStart: "/usr/sbin/sshd -D",
    },
  },
  {
    kind: "systemd-unit",
    key: "cron.service",
    fields: {
      path: "/usr/lib/systemd/system/cron.service",
      sha256: sha256("cron"),
      enabled: "enabled",
      active: "active",
      sub: "running",
      ExecStart: "/usr/sbin/cron -f",
    },
  },
  {
    kind: "systemd-unit",
    key: "tenantra-agent.service",
    fields: {
      path: "/etc/systemd/system/tenantra-agent.service",
      sha256: sha256("agent"),
      enabled: "enabled",
      active: "active",
      sub: "running",
      ExecStart: "/usr/local/bin/tenantra-agent run",
      User: "root",
    },
  },
];

/** Processes as the Linux agent reports them: one per pid, and each executable once with its hash. */
export const processEntries: SnapshotEntry[] = [
  {
    kind: "process",
    key: "1",
    fields: { pid: "1", ppid: "0", name: "systemd", executable: "/usr/lib/systemd/systemd", user: "root", sha256: sha256("systemd") },
  },
  { kind: "process", key: "812", fields: { pid: "812", ppid: "1", name: "sshd", executable: "/usr/sbin/sshd", user: "root", sha256: sha256("sshd") } },
  { kind: "executable", key: "/usr/sbin/sshd", fields: { sha256: sha256("sshd") } },
];
