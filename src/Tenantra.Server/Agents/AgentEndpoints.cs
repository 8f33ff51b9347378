using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Agents;

/// <summary>
/// The API agents call: enroll once with a token, then signed heartbeats (answered with the
/// collection policy), snapshot uploads and key rotation. Successful heartbeats and uploads are
/// telemetry and leave no audit record; enrollment and key rotation do.
/// </summary>
public static class AgentEndpoints
{
    public static void MapAgentEndpoints(this IEndpointRouteBuilder routes)
    {
        var agent = routes.MapGroup("/api/v1/agent").WithTags("Agent");
        agent.MapPost("/enroll", Enroll).AllowAnonymous().RequireRateLimiting(RateLimiting.SignInPolicy)
            .WithName("EnrollAgent").WithSummary("Enroll an agent with an enrollment token")
            .WithDescription("Unsigned. The agent sends its own ECDSA P-256 public key; every later request is signed with the private key, which never leaves the machine. A machine that enrolls again (same machine id) keeps its asset.");

        var signed = agent.MapGroup("").AllowAnonymous().WithMetadata(AgentSignatureRequired.Instance);
        signed.MapPost("/heartbeat", Heartbeat).WithMetadata(MachineTelemetry.Instance)
            .WithName("AgentHeartbeat").WithSummary("Check in; the answer carries the collection policy")
            .WithDescription("Signed (see `X-Tenantra-*` headers): ECDSA P-256 over method, path, timestamp, nonce and body hash.");
        signed.MapPost("/snapshots", UploadSnapshot).WithMetadata(MachineTelemetry.Instance)
            .Accepts<Snapshot>("application/gzip")
            .WithName("UploadSnapshot").WithSummary("Upload one snapshot (gzip of its JSON)")
            .WithDescription($"Signed. Idempotent by `snapshotId`. At most {SnapshotSchema.MaxCompressedBytes} bytes compressed and {SnapshotSchema.MaxUncompressedBytes} decompressed (413 above).");
        signed.MapPost("/rotate-key", RotateKey)
            .WithName("RotateAgentKey").WithSummary("Replace the agent's key")
            .WithDescription("Signed with the current key; from the answer on only the new key is accepted.");
    }

    private static async Task<Results<Ok<EnrollResponse>, ProblemHttpResult, ValidationProblem>> Enroll(
        EnrollRequest request, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        var errors = new ValidationErrors();
        errors.Required("token", request.Token, 200);
        errors.Required("machineId", request.MachineId, 128);
        errors.Required("hostname", request.Hostname, 255);
        errors.MaxLength("os", request.Os, 64);
        errors.MaxLength("osVersion", request.OsVersion, 128);
        errors.MaxLength("agentVersion", request.AgentVersion, 32);
        using var key = AgentRequestSignature.ImportPublicKey(request.PublicKey);
        if (key is null)
        {
            errors.Add("publicKey", "must be an ECDSA P-256 public key (SubjectPublicKeyInfo, base64).");
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var now = clock.GetUtcNow();
        var hash = SecretTokens.Hash(request.Token!);
        db.Scope.AllowLookup(hash);
        var token = await db.EnrollmentTokens.AsNoTracking().SingleOrDefaultAsync(t => t.SecretHash == hash);
        if (token is null || token.StatusAt(now) != "active")
        {
            return Problems.Unauthorized("The enrollment token is unknown, expired, revoked or used up.");
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == token.TenantId && t.Status == TenantStatus.Active))
        {
            return Problems.Forbidden("The tenant of this enrollment token is suspended or deleted.");
        }

        db.Scope.Enter(token.TenantId);
        return await db.InTransactionAsync(async () =>
        {
            // Counted in the database, so concurrent enrollments cannot pass the use limit.
            var counted = await db.EnrollmentTokens
                .Where(t => t.Id == token.Id && (t.MaxUses == null || t.Uses < t.MaxUses))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Uses, t => t.Uses + 1));
            if (counted == 0)
            {
                return (Results<Ok<EnrollResponse>, ProblemHttpResult, ValidationProblem>)Problems.Unauthorized("The enrollment token is used up.");
            }

            var machineId = request.MachineId!.Trim();
            var asset = await db.Assets.AsTracking().SingleOrDefaultAsync(a => a.MachineId == machineId);
            var returning = asset is not null;
            if (asset is null)
            {
                var id = Guid.CreateVersion7();
                asset = new Asset
                {
                    Id = id,
                    TenantId = token.TenantId,
                    AgentLookup = Asset.LookupFor(id),
                    MachineId = machineId,
                    Hostname = request.Hostname!.Trim(),
                    PublicKey = request.PublicKey!,
                    GroupId = token.AssetGroupId,
                    EnrolledAt = now,
                };
                db.Assets.Add(asset);
            }

            asset.Hostname = request.Hostname!.Trim();
            asset.Os = request.Os ?? "";
            asset.OsVersion = request.OsVersion ?? "";
            asset.AgentVersion = request.AgentVersion ?? "";
            asset.PublicKey = request.PublicKey!;
            asset.KeySetAt = now;
            asset.LastSeenAt = now;
            asset.RevokedAt = null;
            await audit.StageAsync(token.TenantId, new AuditEvent(returning ? "asset.re-enrolled" : "asset.enrolled", "asset", asset.Id,
                After: new { asset.Hostname, asset.MachineId, asset.Os, EnrollmentToken = token.Label })
            { ActorName = $"agent on {asset.Hostname}" });
            await db.SaveChangesAsync();
            return TypedResults.Ok(new EnrollResponse(asset.Id, asset.TenantId, asset.Hostname));
        });
    }

    private static async Task<Results<Ok<HeartbeatResponse>, ValidationProblem>> Heartbeat(
        HeartbeatRequest request, AgentCaller caller, TenantraDbContext db, CollectionPolicies policies, TimeProvider clock)
    {
        var errors = new ValidationErrors();
        errors.MaxLength("agentVersion", request.AgentVersion, 32);
        errors.MaxLength("hostname", request.Hostname, 255);
        errors.MaxLength("os", request.Os, 64);
        errors.MaxLength("osVersion", request.OsVersion, 128);
        if (request.Addresses is { Count: > 32 } || request.Addresses?.Any(a => !System.Net.IPAddress.TryParse(a, out _)) == true)
        {
            errors.Add("addresses", "must be at most 32 IP addresses.");
        }

        if (request.UptimeSeconds is < 0 || request.DroppedSnapshots is < 0)
        {
            errors.Add("uptimeSeconds", "must not be negative.");
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var now = clock.GetUtcNow();
        var asset = caller.Asset;
        await db.Assets.Where(a => a.Id == asset.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.LastSeenAt, now)
            .SetProperty(a => a.AgentVersion, request.AgentVersion ?? asset.AgentVersion)
            .SetProperty(a => a.Hostname, string.IsNullOrWhiteSpace(request.Hostname) ? asset.Hostname : request.Hostname.Trim())
            .SetProperty(a => a.Os, request.Os ?? asset.Os)
            .SetProperty(a => a.OsVersion, request.OsVersion ?? asset.OsVersion)
            .SetProperty(a => a.UptimeSeconds, request.UptimeSeconds ?? asset.UptimeSeconds)
            .SetProperty(a => a.DroppedSnapshots, request.DroppedSnapshots ?? asset.DroppedSnapshots)
            .SetProperty(a => a.Addresses, request.Addresses != null ? request.Addresses.ToList() : asset.Addresses));
        return TypedResults.Ok(new HeartbeatResponse(now, await policies.ForAssetAsync(asset)));
    }

    private static async Task<Results<Ok<SnapshotAccepted>, ProblemHttpResult, ValidationProblem>> UploadSnapshot(
        AgentCaller caller, SnapshotIngestion ingestion, CancellationToken cancellationToken)
    {
        var result = await ingestion.IngestAsync(caller.Asset, caller.Body, cancellationToken);
        switch (result)
        {
            case SnapshotIngestion.Stored stored:
                return TypedResults.Ok(new SnapshotAccepted(stored.SnapshotId, stored.Duplicate));
            case SnapshotIngestion.Rejected { Errors: { } errors }:
                return Problems.Validation(errors);
            case SnapshotIngestion.Rejected rejected:
                return TypedResults.Problem(statusCode: rejected.Status, title: rejected.Title);
            default:
                throw new InvalidOperationException($"Unexpected ingestion result {result}.");
        }
    }

    private static async Task<Results<NoContent, ValidationProblem>> RotateKey(
        RotateKeyRequest request, AgentCaller caller, TenantraDbContext db, AuditWriter audit, TimeProvider clock)
    {
        using var key = AgentRequestSignature.ImportPublicKey(request.NewPublicKey);
        if (key is null || request.NewPublicKey == caller.Asset.PublicKey)
        {
            return Problems.Field("newPublicKey", "must be a new ECDSA P-256 public key (SubjectPublicKeyInfo, base64).");
        }

        var asset = await db.Assets.AsTracking().SingleAsync(a => a.Id == caller.Asset.Id);
        asset.PublicKey = request.NewPublicKey!;
        asset.KeySetAt = clock.GetUtcNow();
        await audit.StageAsync(asset.TenantId, new AuditEvent("asset.key-rotated", "asset", asset.Id) { ActorName = $"agent on {asset.Hostname}" });
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
