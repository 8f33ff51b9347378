namespace Tenantra.Core.Identity;

/// <summary>How far a membership on an MSP tenant reaches into its customers.</summary>
public enum CustomerScope
{
    /// <summary>The MSP tenant and every customer, present and future.</summary>
    AllCustomers = 0,

    /// <summary>The MSP tenant and only the customers listed in <see cref="Membership.Customers"/>.</summary>
    SelectedCustomers = 1,
}

/// <summary>User × tenant × role. On an MSP tenant it also applies to customers per <see cref="CustomerScope"/>.</summary>
public sealed class Membership
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public Guid UserId { get; init; }
    public Role Role { get; set; }
    public CustomerScope CustomerScope { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<MembershipCustomer> Customers { get; init; } = [];
}

public sealed class MembershipCustomer
{
    public Guid MembershipId { get; init; }
    public Guid CustomerTenantId { get; init; }
}
