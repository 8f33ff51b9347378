namespace Tenantra.Core.Tenancy;

public enum TenantKind
{
    Platform = 0,
    Msp = 1,
    Customer = 2,
}

public enum TenantStatus
{
    Active = 0,
    Suspended = 1,
    Deleted = 2,
    Purged = 3,
}

/// <summary>
/// A node of the hierarchy platform → MSP → customer. The tenant directory itself is
/// platform data: rows are reached only through <see cref="TenantAccess"/> checks.
/// </summary>
public sealed class Tenant
{
    /// <summary>The platform tenant's fixed id: one per installation, whichever node creates it first.</summary>
    public static readonly Guid PlatformId = new("00000000-0000-7000-8000-000000000001");

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid? ParentId { get; set; }
    public TenantKind Kind { get; init; }
    public required string Name { get; set; }
    public TenantStatus Status { get; set; } = TenantStatus.Active;
    public string TimeZone { get; set; } = "UTC";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SuspendedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>When a deleted tenant stops being recoverable and is purged.</summary>
    public DateTimeOffset? PurgeAfter { get; set; }

    public bool IsUsable => Status == TenantStatus.Active;
}
