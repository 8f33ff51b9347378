import { describe, expect, it } from "vitest";
import { ApiProblem, humanise, problemMessage, toProblem, unwrap } from "./problems";

describe("toProblem", () => {
  it("keeps the title and the field errors of a 400 validation problem", () => {
    const problem = toProblem(400, {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { email: ["is taken."], displayName: ["is required.", "is too long."] },
    });

    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem).toBeInstanceOf(Error);
    expect(problem.name).toBe("ApiProblem");
    expect(problem.status).toBe(400);
    expect(problem.title).toBe("One or more validation errors occurred.");
    expect(problem.detail).toBeUndefined();
    expect(problem.fieldErrors).toEqual({ email: ["is taken."], displayName: ["is required.", "is too long."] });
    expect(problem.message).toBe("One or more validation errors occurred.");
  });

  it("uses the detail of a 401 as the message", () => {
    const problem = toProblem(401, { title: "Unauthorized", detail: "Email or password is incorrect.", status: 401 });

    expect(problem.status).toBe(401);
    expect(problem.title).toBe("Unauthorized");
    expect(problem.detail).toBe("Email or password is incorrect.");
    expect(problem.message).toBe("Email or password is incorrect.");
    expect(problem.fieldErrors).toEqual({});
  });

  it("explains a 429 without a body", () => {
    const problem = toProblem(429, undefined);
    expect(problem.status).toBe(429);
    expect(problem.title).toBe("Too many requests. Wait a moment and try again.");
    expect(problem.detail).toBeUndefined();
  });

  it.each([500, 502, 503])("explains a %i whose body is not a problem", (status) => {
    const problem = toProblem(status, "<html>Bad Gateway</html>");
    expect(problem.status).toBe(status);
    expect(problem.title).toBe("The server could not complete the request. Try again; if it keeps failing, tell your administrator.");
  });

  it("names the status of another error without a title", () => {
    expect(toProblem(404, null).title).toBe("The request failed (404).");
    expect(toProblem(409, { title: null, detail: null }).title).toBe("The request failed (409).");
    expect(toProblem(409, { title: null, detail: null }).detail).toBeUndefined();
  });

  it("prefers the server's title over the fallback", () => {
    expect(toProblem(500, { title: "Database unavailable" }).title).toBe("Database unavailable");
    expect(toProblem(429, { title: "Slow down" }).title).toBe("Slow down");
  });
});

describe("ApiProblem.summary", () => {
  it("is the detail when there is one", () => {
    expect(new ApiProblem(403, "Forbidden", "You cannot manage users in this tenant.").summary).toBe("You cannot manage users in this tenant.");
  });

  it("is the title without a detail", () => {
    expect(new ApiProblem(404, "Not Found").summary).toBe("Not Found");
  });

  it("appends each field's messages after its readable name", () => {
    const problem = new ApiProblem(400, "Validation failed", undefined, {
      displayName: ["is required."],
      email: ["is invalid.", "is taken."],
    });
    expect(problem.summary).toBe("Validation failed Display name is required. Email is invalid. is taken.");
  });
});

describe("humanise", () => {
  it.each([
    ["email", "Email"],
    ["displayName", "Display name"],
    ["customerIds", "Customer ids"],
    ["password_hash", "Password hash"],
    ["address.postCode", "Address post code"],
    ["", ""],
  ])("turns %j into %j", (field, expected) => {
    expect(humanise(field)).toBe(expected);
  });
});

describe("unwrap", () => {
  it("returns the data of a successful response", () => {
    const data = { id: "1", name: "Acme" };
    expect(unwrap({ data, response: new Response(null, { status: 200 }) })).toBe(data);
  });

  it("returns undefined data of a 204 without complaint", () => {
    expect(unwrap({ data: undefined, response: new Response(null, { status: 204 }) })).toBeUndefined();
  });

  it("throws the response's problem for an error status", () => {
    const result = { error: { title: "Forbidden", detail: "Admins only." }, response: new Response(null, { status: 403 }) };

    expect(() => unwrap(result)).toThrow(ApiProblem);
    try {
      unwrap(result);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: 403, title: "Forbidden", detail: "Admins only." });
    }
  });

  it("throws a fallback problem for an error without a body", () => {
    expect(() => unwrap({ error: undefined, response: new Response(null, { status: 502 }) })).toThrow(
      "The server could not complete the request. Try again; if it keeps failing, tell your administrator.",
    );
  });
});

describe("problemMessage", () => {
  it("says the server cannot be reached for a network failure (fetch's TypeError)", () => {
    expect(problemMessage(new TypeError("Failed to fetch"))).toBe("The server cannot be reached. Check your connection and try again.");
  });

  it("is the summary of an ApiProblem", () => {
    const problem = new ApiProblem(400, "Validation failed", undefined, { email: ["is taken."] });
    expect(problemMessage(problem)).toBe("Validation failed Email is taken.");
  });

  it("is the message of another error", () => {
    expect(problemMessage(new Error("antiforgery 500"))).toBe("antiforgery 500");
  });

  it("is a generic sentence for something that is not an error", () => {
    expect(problemMessage("nope")).toBe("Something went wrong.");
    expect(problemMessage(undefined)).toBe("Something went wrong.");
  });
});
