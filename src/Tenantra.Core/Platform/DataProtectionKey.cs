namespace Tenantra.Core.Platform;

/// <summary>An ASP.NET Core data-protection key (cookie and token keys), shared by every node.</summary>
public sealed class DataProtectionKey
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string FriendlyName { get; init; }

    /// <summary>The key XML, encrypted with the master key.</summary>
    public required string Xml { get; init; }
}
