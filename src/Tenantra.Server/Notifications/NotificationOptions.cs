namespace Tenantra.Server.Notifications;

/// <summary>Settings under <c>Tenantra:Notifications</c> and <c>Tenantra:Smtp</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Tenantra:Notifications";

    /// <summary>Attempts per delivery before it is a dead letter.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Per attempt, for webhooks and chat.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Whether endpoints may point at loopback, private, link-local or other non-public addresses.
    /// Off by default: a tenant admin must not be able to make the server call its own network (SSRF).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>The console's public address, for links in messages (e.g. https://tenantra.example.com).</summary>
    public string? ConsoleUrl { get; set; }
}

/// <summary>The SMTP relay email goes through (<c>Tenantra:Smtp</c>); email is off while <see cref="Host"/> is empty.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Tenantra:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool UseTls { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "tenantra@localhost";
    public string FromName { get; set; } = "Tenantra";
}
