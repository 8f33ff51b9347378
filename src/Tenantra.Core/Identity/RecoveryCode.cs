namespace Tenantra.Core.Identity;

/// <summary>A one-time second-factor code, stored as a SHA-256 hash and spent on use.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public required string CodeHash { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}
