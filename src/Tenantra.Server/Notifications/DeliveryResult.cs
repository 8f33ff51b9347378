namespace Tenantra.Server.Notifications;

/// <summary>
/// What a channel made of one attempt: delivered or not, the provider's answer for the ledger, and
/// whether trying again could help (a missing SMTP relay or a deleted endpoint will not come back by itself).
/// </summary>
public sealed record DeliveryResult(bool Delivered, string Response, bool Permanent = false)
{
    public static DeliveryResult Ok(string response) => new(true, response);

    public static DeliveryResult Failed(string response) => new(false, response);

    public static DeliveryResult Refused(string response) => new(false, response, Permanent: true);
}
