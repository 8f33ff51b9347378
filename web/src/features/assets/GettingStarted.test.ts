import { describe, expect, it } from "vitest";
import { setupSteps } from "./GettingStarted";

describe("setupSteps", () => {
  it("has everything to do in a tenant of one, the agent step waiting for its first check-in", () => {
    expect(setupSteps({ memberships: 1, invitations: 0, enrollmentTokens: 0, assets: 0 })).toEqual({ invite: "todo", token: "todo", agent: "waiting" });
  });

  it("counts a colleague invited once there is a second member or any invitation", () => {
    expect(setupSteps({ memberships: 2, invitations: 0 }).invite).toBe("done");
    expect(setupSteps({ memberships: 1, invitations: 1 }).invite).toBe("done");
    expect(setupSteps({ memberships: 1, invitations: 0 }).invite).toBe("todo");
  });

  it("knows the invite step is done from either count alone, and is still checking otherwise", () => {
    expect(setupSteps({ memberships: 5 }).invite).toBe("done");
    expect(setupSteps({ invitations: 2 }).invite).toBe("done");
    expect(setupSteps({ memberships: 1 }).invite).toBe("checking");
    expect(setupSteps({ invitations: 0 }).invite).toBe("checking");
    expect(setupSteps({}).invite).toBe("checking");
  });

  it("marks the token step done when any enrollment token exists", () => {
    expect(setupSteps({ enrollmentTokens: 1 }).token).toBe("done");
    expect(setupSteps({ enrollmentTokens: 0 }).token).toBe("todo");
    expect(setupSteps({}).token).toBe("checking");
  });

  it("turns the agent step done with the first asset, whatever else is still open", () => {
    expect(setupSteps({ memberships: 1, invitations: 0, enrollmentTokens: 1, assets: 1 })).toEqual({ invite: "todo", token: "done", agent: "done" });
    expect(setupSteps({ assets: 0 }).agent).toBe("waiting");
    expect(setupSteps({}).agent).toBe("checking");
  });
});
