using Tenantra.Core.Notifications;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Notifications;

/// <summary>
/// A new endpoint. <c>kind</c> is webhook, slack or teams. For a webhook, <c>secret</c> may be given
/// (<c>whsec_</c> + base64 of 24–64 bytes); otherwise one is made and shown once in the answer.
/// </summary>
public sealed record CreateEndpointRequest(
    string? Name, NotificationChannel? Kind, string? Url, string? Secret, IReadOnlyList<string>? EventTypes, NotificationSeverity? MinSeverity, bool? Enabled)
    : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("name", Name, NotificationEndpoint.MaxNameLength);
        if (Kind is not (NotificationChannel.Webhook or NotificationChannel.Slack or NotificationChannel.Teams))
        {
            errors.Add("kind", "must be webhook, slack or teams.");
        }

        EndpointRules.ValidateUrl(errors, Url, required: true);
        if (Secret is not null && (Kind != NotificationChannel.Webhook || WebhookSignature.KeyOf(Secret) is null))
        {
            errors.Add("secret", Kind == NotificationChannel.Webhook
                ? $"must be {WebhookSignature.SecretPrefix} followed by the base64 of {WebhookSignature.MinSecretBytes} to {WebhookSignature.MaxSecretBytes} random bytes."
                : "is only for webhooks (Slack and Teams URLs carry their own credential).");
        }

        EndpointRules.ValidateSubscription(errors, EventTypes, MinSeverity, required: true);
    }
}

/// <summary>Changes to an endpoint; absent fields stay. A new <c>url</c> replaces the stored one.</summary>
public sealed record UpdateEndpointRequest(string? Name, string? Url, IReadOnlyList<string>? EventTypes, NotificationSeverity? MinSeverity, bool? Enabled) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Name is not null)
        {
            errors.Required("name", Name, NotificationEndpoint.MaxNameLength);
        }

        EndpointRules.ValidateUrl(errors, Url, required: false);
        EndpointRules.ValidateSubscription(errors, EventTypes, MinSeverity, required: false);
    }
}

/// <summary>An endpoint as the API shows it: never the URL or a secret, only a hint.</summary>
public sealed record EndpointResponse(
    Guid Id, string Name, NotificationChannel Kind, string UrlHint, IReadOnlyList<string> EventTypes, NotificationSeverity MinSeverity, bool Enabled,
    bool Signed, DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt);

/// <summary>The answer to creating a webhook or rotating its secret: the secret, this once.</summary>
public sealed record EndpointWithSecretResponse(EndpointResponse Endpoint, string? Secret);

internal static class EndpointRules
{
    public static void ValidateUrl(ValidationErrors errors, string? url, bool required)
    {
        if (url is null)
        {
            if (required)
            {
                errors.Add("url", "is required.");
            }

            return;
        }

        if (url.Length > NotificationEndpoint.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.UserInfo) || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add("url", $"must be an http(s) URL of at most {NotificationEndpoint.MaxUrlLength} characters, without credentials in it.");
        }
    }

    public static void ValidateSubscription(ValidationErrors errors, IReadOnlyList<string>? eventTypes, NotificationSeverity? minSeverity, bool required)
    {
        if (eventTypes is not null && (eventTypes.Count > NotificationCatalog.All.Count || eventTypes.Any(t => NotificationCatalog.Find(t) is null)))
        {
            errors.Add("eventTypes", $"must list event types from {string.Join(", ", NotificationCatalog.All.Select(t => t.Key))} (none means all).");
        }

        if (required || minSeverity is not null)
        {
            errors.Defined("minSeverity", minSeverity);
        }
    }

    /// <summary>What the API shows of a URL: scheme and host, never the path or query (which may hold a token).</summary>
    public static string HintOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}/…" : "…";
}
