/**
 * An RFC 7807 problem from the API as the console shows it: a sentence for the page and, for
 * validation problems, messages per field (keys are the JSON field names the forms use).
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly fieldErrors: Record<string, string[]>;

  constructor(status: number, title: string, detail?: string, fieldErrors: Record<string, string[]> = {}) {
    super(detail ?? title);
    this.name = "ApiProblem";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
  }

  /** One readable sentence: the detail when given, else the title, with field messages appended. */
  get summary(): string {
    const fields = Object.entries(this.fieldErrors).map(([field, messages]) => `${humanise(field)} ${messages.join(" ")}`);
    const head = this.detail ?? this.title;
    return fields.length > 0 ? `${head} ${fields.join(" ")}` : head;
  }
}

export function humanise(field: string): string {
  const words = field
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[._]/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface ProblemBody {
  title?: string | null;
  detail?: string | null;
  errors?: Record<string, string[]>;
}

export function toProblem(status: number, body: unknown): ApiProblem {
  const problem = (typeof body === "object" && body !== null ? body : {}) as ProblemBody;
  const fallback =
    status === 429
      ? "Too many requests. Wait a moment and try again."
      : status >= 500
        ? "The server could not complete the request. Try again; if it keeps failing, tell your administrator."
        : `The request failed (${status}).`;
  return new ApiProblem(status, problem.title ?? fallback, problem.detail ?? undefined, problem.errors ?? {});
}

/** The data of an openapi-fetch result, or an {@link ApiProblem} thrown for an error response. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) {
    return result.data as T;
  }
  throw toProblem(result.response.status, result.error);
}

export function problemMessage(error: unknown): string {
  if (error instanceof ApiProblem) return error.summary;
  if (error instanceof TypeError) return "The server cannot be reached. Check your connection and try again.";
  return error instanceof Error ? error.message : "Something went wrong.";
}
