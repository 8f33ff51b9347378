namespace Tenantra.Core.Identity;

/// <summary>Roles a membership grants. A membership on the platform tenant with <see cref="Admin"/> makes a platform admin.</summary>
public enum Role
{
    Admin = 0,
    Analyst = 1,
    Viewer = 2,
    Auditor = 3,
    Billing = 4,
}
