import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { tokenStatus } from "./ApiTokensPage";

const now = Date.parse("2025-06-01T12:00:00Z");

function token(expiresAt: string, revokedAt: string | null = null): Schemas["ApiTokenResponse"] {
  return {
    id: "tok-1",
    tenantId: "tenant-1",
    userId: "user-1",
    name: "CI",
    prefix: "tnt_abc",
    scopes: ["users:read"],
    createdAt: "2025-01-01T00:00:00Z",
    expiresAt,
    revokedAt,
    lastUsedAt: null,
  };
}

describe("tokenStatus", () => {
  it("is active before it expires", () => {
    expect(tokenStatus(token("2025-06-01T12:00:01Z"), now)).toBe("active");
    expect(tokenStatus(token("2026-01-01T00:00:00Z"), now)).toBe("active");
  });

  it("is expired from the moment it expires", () => {
    expect(tokenStatus(token("2025-06-01T12:00:00Z"), now)).toBe("expired");
    expect(tokenStatus(token("2025-05-31T00:00:00Z"), now)).toBe("expired");
  });

  it("is revoked once revoked, even if it has also expired", () => {
    expect(tokenStatus(token("2026-01-01T00:00:00Z", "2025-05-01T00:00:00Z"), now)).toBe("revoked");
    expect(tokenStatus(token("2025-05-31T00:00:00Z", "2025-05-01T00:00:00Z"), now)).toBe("revoked");
  });

  it("compares with the current time by default", () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect(tokenStatus(token(inAnHour))).toBe("active");
    expect(tokenStatus(token(anHourAgo))).toBe("expired");
  });
});
