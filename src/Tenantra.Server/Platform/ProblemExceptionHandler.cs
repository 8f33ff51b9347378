using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Tenantra.Server.Platform;

/// <summary>
/// Turns request-shaped exceptions into 4xx problem details with the offending field named:
/// malformed or unknown JSON, wrong types, oversized bodies, bad route or query values, and
/// unique-key conflicts. Anything else is a 500 that reveals nothing but the request id.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, errors) = Classify(exception);
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title };
        if (errors is not null)
        {
            details.Extensions["errors"] = errors;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    private static (int Status, string Title, Dictionary<string, string[]>? Errors) Classify(Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                return (400, "The request body is not valid JSON for this endpoint.", FieldError(json));
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return (413, "The request body is too large.", null);
            case BadHttpRequestException bad when BindFailure().Match(bad.Message) is { Success: true } binding:
                return (bad.StatusCode, "The request has invalid fields.", new() { [JsonNamingPolicy.CamelCase.ConvertName(binding.Groups["name"].Value)] = ["has the wrong type or format."] });
            case BadHttpRequestException bad:
                return (bad.StatusCode, "The request is malformed.", new() { ["request"] = [bad.Message] });
            case InvalidQueryException invalid:
                return (400, "The request has invalid fields.", new() { [invalid.Parameter] = [invalid.Reason] });
            case DbUpdateException db when IsUniqueViolation(db):
                return (409, "The request conflicts with an existing record.", null);
            case OperationCanceledException:
                return (499, "The request was cancelled.", null);
            default:
                return (500, "An unexpected error occurred.", null);
        }
    }

    private static Dictionary<string, string[]> FieldError(JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "is not a known field."
            : json.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type or format." : "is not valid JSON here.";
        return new() { [field] = [message] };
    }

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 1555 or 2067,
        _ => false,
    };

    // ASP.NET Core's message for a route or query value that does not parse: Failed to bind parameter "int? Page" from "abc".
    [GeneratedRegex("""^Failed to bind parameter "[^"]*?(?<name>\w+)" """)]
    private static partial Regex BindFailure();
}
