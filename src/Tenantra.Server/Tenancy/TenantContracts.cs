using Tenantra.Core.Tenancy;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Tenancy;

public sealed record CreateTenantRequest(string? Name, string? TimeZone) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("name", Name, 200);
        TimeZones.Validate(errors, "timeZone", TimeZone);
    }
}

public sealed record UpdateTenantRequest(string? Name, string? TimeZone) : IValidatedRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Name is null && TimeZone is null)
        {
            errors.Add("name", "Give a new name or time zone.");
        }

        if (Name is not null)
        {
            errors.Required("name", Name, 200);
        }

        TimeZones.Validate(errors, "timeZone", TimeZone);
    }
}

public sealed record TenantResponse(
    Guid Id, Guid? ParentId, TenantKind Kind, string Name, TenantStatus Status, string TimeZone,
    DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt, DateTimeOffset? DeletedAt, DateTimeOffset? PurgeAfter)
{
    public static TenantResponse From(Tenant t) =>
        new(t.Id, t.ParentId, t.Kind, t.Name, t.Status, t.TimeZone, t.CreatedAt, t.SuspendedAt, t.DeletedAt, t.PurgeAfter);
}

/// <summary>A tenant in an MSP or platform roll-up, with the counts a list page shows.</summary>
public sealed record TenantSummary(Guid Id, string Name, TenantKind Kind, TenantStatus Status, DateTimeOffset CreatedAt, int MemberCount, int CustomerCount);

internal static class TimeZones
{
    public static void Validate(ValidationErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(value, out _))
        {
            errors.Add(field, "must be an IANA time zone such as Europe/Berlin.");
        }
    }
}
