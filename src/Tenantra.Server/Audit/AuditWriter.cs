using Tenantra.Core.Audit;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Platform.Metrics;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Audit;

/// <summary>What happened, to what; the writer adds who, from where, when and on whose behalf.</summary>
public sealed record AuditEvent(string Action, string? TargetType = null, object? TargetId = null, object? Before = null, object? After = null)
{
    public AuditOutcome Outcome { get; init; } = AuditOutcome.Success;

    /// <summary>Names the actor when no one is signed in yet (the email typed at sign-in).</summary>
    public string? ActorName { get; init; }

    public Guid? ActorUserId { get; init; }
}

/// <summary>
/// The one audit writer. <see cref="StageAsync"/> puts a record in the current change so it commits
/// (or not) with it; <see cref="WriteAsync"/> records something that changes nothing else (a
/// sign-in, a refused request) in its own tenant scope and transaction. Either way a detection run
/// over the tenant's new records (<see cref="AuditDetector"/>) is queued in the same transaction
/// (unless <see cref="AuditOptions.DetectionsEnabled"/> is off).
/// </summary>
public sealed class AuditWriter(
    TenantraDbContext db,
    JobQueue jobs,
    AuditOptions options,
    IHttpContextAccessor http,
    Caller caller,
    TenantAccessService access,
    ITenantScopeFactory scopes,
    TimeProvider clock,
    TenantraMetrics metrics)
{
    private bool _written;

    /// <summary>Whether this request has a committed audit record (written, or staged and saved with its change).</summary>
    public bool HasRecorded => _written || db.AuditRecordsCommitted > 0;

    /// <summary>Stages a record in the current tenant scope; it is committed by the next SaveChangesAsync.</summary>
    public async Task StageAsync(Guid tenantId, AuditEvent auditEvent)
    {
        var onBehalfOf = caller.IsAuthenticated ? (await access.GetAsync(tenantId)).OnBehalfOfTenantId : null;
        db.StageAudit(Build(tenantId, auditEvent, onBehalfOf));
        if (options.DetectionsEnabled)
        {
            await AuditDetector.EnqueueAsync(jobs, tenantId, clock.GetUtcNow(), CancellationToken.None);
        }
    }

    /// <summary>Appends a record now, in its own transaction, inside <paramref name="tenantId"/>'s scope.</summary>
    public async Task WriteAsync(Guid tenantId, AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        var onBehalfOf = caller.IsAuthenticated ? (await access.GetAsync(tenantId, cancellationToken)).OnBehalfOfTenantId : null;
        var record = Build(tenantId, auditEvent, onBehalfOf);
        await using var scope = scopes.Enter(tenantId);
        var scopedDb = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        scopedDb.StageAudit(record);
        if (options.DetectionsEnabled)
        {
            await AuditDetector.EnqueueAsync(scope.ServiceProvider.GetRequiredService<JobQueue>(), tenantId, clock.GetUtcNow(), cancellationToken);
        }
        await scopedDb.SaveChangesAsync(cancellationToken);
        metrics.AuditRecordsWritten.Inc();
        _written = true;
    }

    private AuditRecord Build(Guid tenantId, AuditEvent auditEvent, Guid? onBehalfOf)
    {
        var context = http.HttpContext;
        var userAgent = context?.Request.Headers.UserAgent.ToString();
        return new AuditRecord
        {
            TenantId = tenantId,
            OccurredAt = TruncateToMicroseconds(clock.GetUtcNow()),
            ActorUserId = auditEvent.ActorUserId ?? caller.UserIdOrNull,
            ActorTokenId = caller.TokenId,
            ActorName = Truncate(auditEvent.ActorName ?? caller.Email, 254),
            OnBehalfOfTenantId = onBehalfOf,
            Action = auditEvent.Action,
            TargetType = auditEvent.TargetType,
            TargetId = auditEvent.TargetId?.ToString(),
            Before = AuditSnapshot.Of(auditEvent.Before),
            After = AuditSnapshot.Of(auditEvent.After),
            SourceIp = context?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(userAgent, 512),
            RequestId = Truncate(context?.TraceIdentifier, 64),
            Outcome = auditEvent.Outcome,
        };
    }

    // PostgreSQL keeps microseconds; hashing the stored precision keeps the chain verifiable on both engines.
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    private static string? Truncate(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}
