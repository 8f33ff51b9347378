using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using Microsoft.Extensions.Options;

namespace Tenantra.Server.Notifications;

/// <summary>
/// Sends email through the configured SMTP relay (System.Net.Mail): a text part and an HTML part,
/// and the delivery id in <c>X-Tenantra-Delivery</c> (also the Message-ID) so a repeat of an
/// at-least-once delivery can be recognised.
/// </summary>
public sealed class EmailSender(IOptions<SmtpOptions> options)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Host);

    public async Task<DeliveryResult> SendAsync(string to, NotificationMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        if (!IsConfigured)
        {
            return DeliveryResult.Refused("Email is not configured on this server (Tenantra:Smtp:Host).");
        }

        if (!MailAddress.TryCreate(to, out var address))
        {
            return DeliveryResult.Refused($"\"{to}\" is not an email address.");
        }

        using var mail = new MailMessage { From = new MailAddress(smtp.From, smtp.FromName), Subject = EmailTemplates.Subject(message) };
        mail.To.Add(address);
        mail.Headers.Add("X-Tenantra-Delivery", message.DeliveryId.ToString());
        mail.Headers.Add("Message-ID", $"<{message.DeliveryId}@tenantra>");
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(EmailTemplates.Text(message), System.Text.Encoding.UTF8, MediaTypeNames.Text.Plain));
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(EmailTemplates.Html(message), System.Text.Encoding.UTF8, MediaTypeNames.Text.Html));

        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.UseTls, DeliveryMethod = SmtpDeliveryMethod.Network, Timeout = 30_000 };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        try
        {
            await client.SendMailAsync(mail, cancellationToken);
            return DeliveryResult.Ok($"Accepted by {smtp.Host}:{smtp.Port}.");
        }
        catch (SmtpException e)
        {
            return DeliveryResult.Failed($"SMTP {(int)e.StatusCode} {e.StatusCode}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return DeliveryResult.Failed($"SMTP connection failed: {e.Message}");
        }
    }
}
