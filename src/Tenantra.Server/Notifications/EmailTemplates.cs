using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Tenantra.Core.Notifications;

namespace Tenantra.Server.Notifications;

/// <summary>
/// The email's subject, HTML and text. The layout is shared and branded with the tenant's name;
/// each event type brings its subject and lead sentence (<see cref="NotificationCatalog"/>).
/// Everything from the event is encoded before it reaches the HTML.
/// </summary>
public static partial class EmailTemplates
{
    public static string Subject(NotificationMessage message)
    {
        if (message.IsDigest)
        {
            return $"{message.TenantName}: {message.Items.Count} notification{(message.Items.Count == 1 ? "" : "s")} (digest)";
        }

        var item = message.First;
        var subject = Fill(NotificationCatalog.Find(item.Type)?.Subject ?? "{title}", item, message.TenantName, encode: false);
        return subject.ReplaceLineEndings(" ");
    }

    public static string Text(NotificationMessage message)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Tenantra — {message.TenantName}\n\n");
        foreach (var item in message.Items)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Lead(item, message.TenantName, encode: false)}\n\n");
            text.Append(CultureInfo.InvariantCulture, $"[{item.Severity}] {item.Title}{Folded(item)}\n");
            text.Append(CultureInfo.InvariantCulture, $"Occurred: {item.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC\n");
            foreach (var (name, value) in item.Facts)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}: {value}\n");
            }

            if (message.AbsoluteLink(item.Link) is { } link)
            {
                text.Append(CultureInfo.InvariantCulture, $"Open: {link}\n");
            }

            text.Append('\n');
        }

        text.Append(Footer(message, html: false));
        return text.ToString();
    }

    public static string Html(NotificationMessage message)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html><html><body style="margin:0;background:#f4f5f7;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1f2933">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
            <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px">
            <tr><td style="background:#1e3a8a;color:#ffffff;padding:16px 24px;border-radius:8px 8px 0 0">
            <strong>Tenantra</strong> · {Encode(message.TenantName)}</td></tr>
            """);
        foreach (var item in message.Items)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td style="padding:20px 24px;border-bottom:1px solid #e4e7eb">
                <p style="margin:0 0 8px">{Lead(item, message.TenantName, encode: true)}</p>
                <p style="margin:0 0 8px"><span style="background:{Colour(item.Severity)};color:#ffffff;border-radius:4px;padding:2px 8px;font-size:12px">{item.Severity}</span>
                <strong>{Encode(item.Title)}</strong>{Encode(Folded(item))}</p>
                <p style="margin:0 0 8px;color:#52606d;font-size:13px">{item.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>
                """);
            if (item.Facts.Count > 0)
            {
                html.Append("<table cellpadding=\"4\" style=\"font-size:13px\">");
                foreach (var (name, value) in item.Facts)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"color:#52606d\">{Encode(name)}</td><td>{Encode(value)}</td></tr>");
                }

                html.Append("</table>");
            }

            if (message.AbsoluteLink(item.Link) is { } link)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:12px 0 0\"><a href=\"{Encode(link)}\" style=\"color:#1e3a8a\">Open in Tenantra</a></p>");
            }

            html.Append("</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <tr><td style="padding:16px 24px;color:#52606d;font-size:12px">{Footer(message, html: true)}</td></tr>
            </table></td></tr></table></body></html>
            """);
        return html.ToString();
    }

    private static string Lead(NotificationItem item, string tenant, bool encode) =>
        Fill(NotificationCatalog.Find(item.Type)?.Lead ?? "", item, tenant, encode);

    private static string Folded(NotificationItem item) =>
        item.FoldedCount > 0 ? $" (and {item.FoldedCount} identical event{(item.FoldedCount == 1 ? "" : "s")} since)" : "";

    private static string Footer(NotificationMessage message, bool html)
    {
        var why = $"You receive this because of your notification preferences for {message.TenantName}.";
        var where = message.ConsoleUrl is null ? "" : $" Change them at {message.ConsoleUrl.TrimEnd('/')}/notifications/preferences.";
        return html ? Encode(why + where) : why + where + "\n";
    }

    /// <summary>Replaces {title}, {tenant}, {severity} and {fact name}; unknown names are left as written.</summary>
    private static string Fill(string template, NotificationItem item, string tenant, bool encode) =>
        Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            var value = name switch
            {
                "title" => item.Title,
                "tenant" => tenant,
                "severity" => item.Severity.ToString(),
                _ => item.Facts.TryGetValue(name, out var fact) ? fact : match.Value,
            };
            return encode ? Encode(value) : value;
        });

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Colour(NotificationSeverity severity) => severity switch
    {
        NotificationSeverity.Critical => "#b91c1c",
        NotificationSeverity.High => "#c2410c",
        NotificationSeverity.Medium => "#a16207",
        NotificationSeverity.Low => "#1d4ed8",
        _ => "#52606d",
    };

    [GeneratedRegex(@"\{([a-zA-Z0-9_.-]{1,64})\}")]
    private static partial Regex Placeholder();
}
