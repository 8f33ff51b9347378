using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tenantra.Core.Notifications;
using Tenantra.Core.Security;

namespace Tenantra.Server.Notifications;

/// <summary>
/// Posts to an endpoint: a signed Standard Webhooks message (<see cref="WebhookSignature"/>), or a
/// Slack or Microsoft Teams incoming-webhook message. Any 2xx is delivered; anything else, a
/// timeout or a refused address is a failed attempt with the answer kept for the ledger.
/// </summary>
public sealed class HookSender(IHttpClientFactory clients, SecretProtector protector, TimeProvider clock)
{
    public const string HttpClientName = "notification-endpoints";
    public const string UrlPurpose = "notification-endpoint-url";
    public const string SecretPurpose = "notification-endpoint-secret";

    public async Task<DeliveryResult> SendAsync(NotificationEndpoint endpoint, NotificationMessage message, CancellationToken cancellationToken)
    {
        var body = endpoint.Kind switch
        {
            NotificationChannel.Slack => SlackBody(message),
            NotificationChannel.Teams => TeamsBody(message),
            _ => WebhookBody(message),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, protector.Unprotect(endpoint.ProtectedUrl, UrlPurpose))
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (endpoint.Kind == NotificationChannel.Webhook)
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            var id = $"msg_{message.DeliveryId:N}";
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(id, timestamp, bytes, SigningSecrets(endpoint)));
        }

        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var answer = await ReadStartAsync(response, cancellationToken);
            var line = $"HTTP {(int)response.StatusCode}{(answer.Length > 0 ? ": " + answer : "")}";
            return response.IsSuccessStatusCode ? DeliveryResult.Ok(line) : DeliveryResult.Failed(line);
        }
        catch (HttpRequestException e)
        {
            return DeliveryResult.Failed($"Connection failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed("Timed out waiting for the endpoint.");
        }
    }

    /// <summary>The current secret, and the previous one while its overlap lasts.</summary>
    private IEnumerable<string> SigningSecrets(NotificationEndpoint endpoint)
    {
        yield return protector.Unprotect(endpoint.ProtectedSecret!, SecretPurpose);
        if (endpoint.ProtectedPreviousSecret is { } previous && endpoint.PreviousSecretExpiresAt > clock.GetUtcNow())
        {
            yield return protector.Unprotect(previous, SecretPurpose);
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[300];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" ").Trim();
    }

    /// <summary>The Standard Webhooks payload shape: type, timestamp, data.</summary>
    public static string WebhookBody(NotificationMessage message)
    {
        var item = message.First;
        return new JsonObject
        {
            ["type"] = item.Type,
            ["timestamp"] = item.OccurredAt.UtcDateTime.ToString("O"),
            ["data"] = new JsonObject
            {
                ["deliveryId"] = message.DeliveryId.ToString(),
                ["eventId"] = item.EventId.ToString(),
                ["tenantId"] = message.TenantId.ToString(),
                ["tenant"] = message.TenantName,
                ["severity"] = item.Severity.ToString().ToLowerInvariant(),
                ["title"] = item.Title,
                ["link"] = message.AbsoluteLink(item.Link),
                ["foldedCount"] = item.FoldedCount,
                ["facts"] = new JsonObject(item.Facts.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value)))),
            },
        }.ToJsonString();
    }

    /// <summary>Slack's incoming-webhook format: fallback text plus Block Kit sections.</summary>
    public static string SlackBody(NotificationMessage message)
    {
        var item = message.First;
        var heading = $"[{item.Severity}] {item.Title}";
        var facts = string.Join("\n", item.Facts.Select(f => $"*{Escape(f.Key)}:* {Escape(f.Value)}"));
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(heading, 150) } },
            new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip($"*{Escape(message.TenantName)}* · {Escape(NotificationCatalog.Find(item.Type)?.Title ?? item.Type)}{(facts.Length > 0 ? "\n" + facts : "")}", 3000) },
            },
        };
        if (message.AbsoluteLink(item.Link) is { } link)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"<{link}|Open in Tenantra>" } });
        }

        return new JsonObject { ["text"] = $"{heading} ({message.TenantName})", ["blocks"] = blocks }.ToJsonString();
    }

    /// <summary>Teams' incoming-webhook (Workflows) format: a message carrying an Adaptive Card.</summary>
    public static string TeamsBody(NotificationMessage message)
    {
        var item = message.First;
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["size"] = "Medium", ["weight"] = "Bolder", ["wrap"] = true, ["text"] = $"[{item.Severity}] {item.Title}" },
            new JsonObject { ["type"] = "TextBlock", ["isSubtle"] = true, ["wrap"] = true, ["text"] = $"{message.TenantName} · {NotificationCatalog.Find(item.Type)?.Title ?? item.Type}" },
            new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray([.. item.Facts.Select(f => (JsonNode)new JsonObject { ["title"] = f.Key, ["value"] = f.Value })]),
            },
        };
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (message.AbsoluteLink(item.Link) is { } link)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in Tenantra", ["url"] = link } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = card } },
        }.ToJsonString();
    }

    /// <summary>Slack mrkdwn control characters.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
