using System.Net;
using System.Text.Json;

namespace Tenantra.Server.IntegrationTests;

/// <summary>Checks a response's status (showing the body when it differs) and reads its JSON.</summary>
internal static class ResponseAssert
{
    public static async Task<JsonElement> ReadAsync(this Task<HttpResponseMessage> pending, HttpStatusCode expected) =>
        await (await pending).ReadAsync(expected);

    /// <summary>The JSON body after asserting the status; <c>default</c> when the body is empty.</summary>
    public static async Task<JsonElement> ReadAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expected,
            $"expected {(int)expected}, got {(int)response.StatusCode} for {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(this Task<HttpResponseMessage> pending, HttpStatusCode expected) =>
        await (await pending).ProblemAsync(expected);

    /// <summary>Asserts an RFC 7807 problem with <paramref name="expected"/> status and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await response.ReadAsync(expected);
        var violations = Platform.ProblemResponses.ShapeViolations(response, problem.GetRawText());
        Assert.True(violations.Count == 0, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {string.Join("; ", violations)}: {problem}");
        return problem;
    }

    /// <summary>Asserts a 400 validation problem with an error for <paramref name="field"/> and returns its messages.</summary>
    public static async Task<JsonElement> FieldErrorAsync(this Task<HttpResponseMessage> pending, string field)
    {
        var problem = await pending.ProblemAsync(HttpStatusCode.BadRequest);
        if (!problem.TryGetProperty("errors", out var errors) || !errors.TryGetProperty(field, out var messages))
        {
            throw new Xunit.Sdk.XunitException($"expected errors.{field} in {problem}");
        }

        Assert.True(messages.GetArrayLength() > 0);
        return messages;
    }

    public static string Text(this JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new Xunit.Sdk.XunitException($"{property} is null in {element}");
}
