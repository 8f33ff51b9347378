using System.Text.Json;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>The shape rules of RFC 7807 problem details, for the sweeps that collect violations instead of failing at the first.</summary>
internal static class ProblemResponses
{
    public const string ProblemMediaType = "application/problem+json";

    /// <summary>What is wrong with <paramref name="body"/> as problem details for <paramref name="response"/>: empty when nothing.</summary>
    public static List<string> ShapeViolations(HttpResponseMessage response, string body)
    {
        var violations = new List<string>();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != ProblemMediaType)
        {
            violations.Add($"Content-Type is {mediaType ?? "missing"}, not {ProblemMediaType}");
        }

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            violations.Add("body is not JSON");
            return violations;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            violations.Add("body is not a JSON object");
            return violations;
        }

        if (!root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || status.GetInt32() != (int)response.StatusCode)
        {
            violations.Add($"\"status\" is not {(int)response.StatusCode}");
        }

        if (!root.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(title.GetString()))
        {
            violations.Add("\"title\" is missing");
        }

        return violations;
    }

    /// <summary>The keys of the problem's <c>errors</c> object; empty when there is none.</summary>
    public static IReadOnlyList<string> ErrorFields(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                ? [.. errors.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.Array && e.Value.GetArrayLength() > 0).Select(e => e.Name)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
