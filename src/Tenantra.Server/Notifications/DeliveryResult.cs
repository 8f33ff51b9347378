namespace Tenantra.Server.Notifications;

/// <summary>What a channel made of one attempt: delivered or not, and the provider's answer for the ledger.</summary>
public sealed record DeliveryResult(bool Delivered, string Response)
{
    public static DeliveryResult Ok(string response) => new(true, response);

    public static DeliveryResult Failed(string response) => new(false, response);
}
