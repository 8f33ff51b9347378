using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Identity;

/// <summary>
/// Invitations: an admin invites an email address with a role; the link token (stored hashed)
/// lets the invitee create an account, or join with the account they have.
/// </summary>
public static class InvitationEndpoints
{
    public static void MapInvitationEndpoints(this IEndpointRouteBuilder routes)
    {
        var invitations = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/invitations").WithTags("Users");
        invitations.MapGet("/", List).RequireTenant(Permission.UsersRead)
            .WithName("ListInvitations").WithSummary("Invitations of the tenant")
            .WithDescription("Paged; `status` is open, accepted, revoked or expired; `q` searches emails. Sort: `email`, `createdAt` (default `-createdAt`), `expiresAt`.");
        invitations.MapPost("/", Create).RequireTenant(Permission.UsersManage).Validates<CreateInvitationRequest>()
            .WithName("CreateInvitation").WithSummary("Invite someone with a role")
            .WithDescription("The token in the response is shown once; the invitee accepts with it at `/api/v1/invitations/accept`. Valid 7 days unless `expiresInDays` says otherwise.");
        invitations.MapDelete("/{invitationId:guid}", Revoke).RequireTenant(Permission.UsersManage)
            .WithName("RevokeInvitation").WithSummary("Revoke an open invitation");

        var accept = routes.MapGroup("/api/v1/invitations").WithTags("Users").AllowAnonymous().RequireRateLimiting(RateLimiting.SignInPolicy);
        accept.MapPost("/preview", Preview).Validates<InvitationTokenRequest>()
            .WithName("PreviewInvitation").WithSummary("What an invitation token is for")
            .WithDescription("Tenant name, email and role of an open invitation, for the acceptance page.");
        accept.MapPost("/accept", Accept).Validates<AcceptInvitationRequest>()
            .WithName("AcceptInvitation").WithSummary("Accept an invitation")
            .WithDescription("Creates the account (display name and password required) or, when the email already has an account, adds the role to it — then the caller must be signed in as that account.");
    }

    private static string StatusOf(Invitation i, DateTimeOffset now) =>
        i.AcceptedAt is not null ? "accepted" : i.RevokedAt is not null ? "revoked" : i.ExpiresAt <= now ? "expired" : "open";

    private static InvitationResponse Response(Invitation i, DateTimeOffset now) =>
        new(i.Id, i.TenantId, i.Email, i.Role, StatusOf(i, now), i.CreatedAt, i.ExpiresAt, i.AcceptedAt);

    private static readonly SortKeys<Invitation> s_sortKeys = new("-createdAt", i => i.Id, new Dictionary<string, Expression<Func<Invitation, object?>>>
    {
        ["email"] = i => i.NormalizedEmail,
        ["createdAt"] = i => i.CreatedAt,
        ["expiresAt"] = i => i.ExpiresAt,
    });

    private static async Task<Results<Ok<Paged<InvitationResponse>>, ValidationProblem>> List(
        Guid tenantId, [AsParameters] PageRequest page, string? status, TenantraDbContext db, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var query = db.Invitations.Where(i => i.TenantId == tenantId);
        switch (status)
        {
            case null:
                break;
            case "open":
                query = query.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);
                break;
            case "accepted":
                query = query.Where(i => i.AcceptedAt != null);
                break;
            case "revoked":
                query = query.Where(i => i.RevokedAt != null);
                break;
            case "expired":
                query = query.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt <= now);
                break;
            default:
                return Problems.Field("status", "must be open, accepted, revoked or expired.");
        }

        if (page.Search is { } search)
        {
            query = query.Where(i => i.NormalizedEmail.Contains(search.ToUpperInvariant()));
        }

        var result = await s_sortKeys.Apply(query, page.Sort).ToPageAsync(page);
        return TypedResults.Ok(new Paged<InvitationResponse>([.. result.Items.Select(i => Response(i, now))], result.Page, result.PageSize, result.Total));
    }

    private static async Task<Results<Created<CreatedInvitationResponse>, ValidationProblem>> Create(
        Guid tenantId, CreateInvitationRequest request, TenantraDbContext db, UserManager<User> users, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var email = request.Email!.Trim();
        var normalized = users.NormalizeEmail(email);
        if (await db.Invitations.AnyAsync(i => i.TenantId == tenantId && i.NormalizedEmail == normalized && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now))
        {
            return Problems.Field("email", "already has an open invitation to this tenant.");
        }

        var token = SecretTokens.New("inv_");
        var invitation = new Invitation
        {
            TenantId = tenantId,
            Email = email,
            NormalizedEmail = normalized,
            Role = request.Role!.Value,
            TokenHash = SecretTokens.Hash(token),
            InvitedByUserId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now.AddDays(request.ExpiresInDays ?? 7),
        };
        db.Invitations.Add(invitation);
        await audit.StageAsync(tenantId, new AuditEvent("invitation.created", "invitation", invitation.Id, After: Response(invitation, now)));
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/invitations/{invitation.Id}", new CreatedInvitationResponse(Response(invitation, now), token));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid tenantId, Guid invitationId, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var invitation = await db.Invitations.AsTracking().SingleOrDefaultAsync(i => i.TenantId == tenantId && i.Id == invitationId);
        if (invitation is null)
        {
            return Problems.NotFound("Invitation");
        }

        if (!invitation.IsOpenAt(now))
        {
            return Problems.Conflict($"The invitation is {StatusOf(invitation, now)}.");
        }

        invitation.RevokedAt = now;
        await audit.StageAsync(tenantId, new AuditEvent("invitation.revoked", "invitation", invitationId));
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Invitation?> FindOpenAsync(string token, TenantraDbContext db, DateTimeOffset now)
    {
        var hash = SecretTokens.Hash(token.Trim());
        db.Scope.AllowLookup(hash);
        var invitation = await db.Invitations.AsTracking().SingleOrDefaultAsync(i => i.TokenHash == hash);
        return invitation is not null && invitation.IsOpenAt(now)
            && await db.Tenants.AnyAsync(t => t.Id == invitation.TenantId && t.Status == TenantStatus.Active)
            ? invitation
            : null;
    }

    private static async Task<Results<Ok<InvitationPreviewResponse>, ValidationProblem>> Preview(InvitationTokenRequest request, TenantraDbContext db, TimeProvider clock)
    {
        var invitation = await FindOpenAsync(request.Token!, db, clock.GetUtcNow());
        if (invitation is null)
        {
            return Problems.Field("token", "The invitation is not valid, was revoked or has expired.");
        }

        var tenantName = await db.Tenants.Where(t => t.Id == invitation.TenantId).Select(t => t.Name).SingleAsync();
        var exists = await db.Users.AnyAsync(u => u.NormalizedEmail == invitation.NormalizedEmail);
        return TypedResults.Ok(new InvitationPreviewResponse(tenantName, invitation.Email, invitation.Role, invitation.ExpiresAt, exists));
    }

    private static async Task<Results<Ok<MembershipSummary>, ValidationProblem>> Accept(
        AcceptInvitationRequest request, TenantraDbContext db, UserManager<User> users, Caller caller, AuditWriter audit, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var invitation = await FindOpenAsync(request.Token!, db, now);
        if (invitation is null)
        {
            return Problems.Field("token", "The invitation is not valid, was revoked or has expired.");
        }

        db.Scope.Enter(invitation.TenantId);
        var user = await users.FindByEmailAsync(invitation.Email);
        if (user is not null && caller.UserIdOrNull != user.Id)
        {
            // Whoever holds the link must also hold the account: otherwise an account someone else
            // created under this email would receive the role.
            return Problems.Field("token", "This email already has an account. Sign in as that account, then accept the invitation.");
        }

        if (user is null)
        {
            var errors = new ValidationErrors();
            errors.Required("displayName", request.DisplayName, 200);
            errors.Required("password", request.Password, 1024);
            if (!errors.IsEmpty)
            {
                return Problems.Validation(errors.ToDictionary());
            }

            user = new User
            {
                Email = invitation.Email,
                NormalizedEmail = invitation.NormalizedEmail,
                DisplayName = request.DisplayName!.Trim(),
                HomeTenantId = invitation.TenantId,
                CreatedAt = now,
            };
            if (await users.TrySetNewPasswordAsync(user, request.Password!) is { Succeeded: false } refused)
            {
                return PasswordProblems.From(refused, "password");
            }

            db.Users.Add(user);
        }

        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.TenantId == invitation.TenantId && m.UserId == user.Id && m.Role == invitation.Role);
        if (membership is null)
        {
            membership = new Membership { TenantId = invitation.TenantId, UserId = user.Id, Role = invitation.Role, CreatedAt = now };
            db.Memberships.Add(membership);
        }

        invitation.AcceptedAt = now;
        invitation.AcceptedByUserId = user.Id;
        await audit.StageAsync(invitation.TenantId, new AuditEvent("invitation.accepted", "invitation", invitation.Id, After: new { user.Email, invitation.Role })
        {
            ActorUserId = user.Id,
            ActorName = user.Email,
        });
        await db.SaveChangesAsync();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == invitation.TenantId);
        return TypedResults.Ok(new MembershipSummary(membership.Id, tenant.Id, tenant.Name, tenant.Kind, membership.Role, membership.CustomerScope));
    }
}
