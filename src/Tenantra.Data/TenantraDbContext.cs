using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tenantra.Core;
using Tenantra.Core.Agents;
using Tenantra.Core.Audit;
using Tenantra.Core.Exports;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Core.Jobs;
using Tenantra.Core.Notifications;
using Tenantra.Core.Platform;
using Tenantra.Core.Tenancy;

namespace Tenantra.Data;

/// <summary>
/// The one database context. Tenant-scoped entities (<see cref="ITenantScoped"/>) are filtered
/// to the current <see cref="TenantScope"/>; an unentered scope sees no tenant rows at all.
/// </summary>
public sealed class TenantraDbContext(DbContextOptions<TenantraDbContext> options, TenantScope scope) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<MembershipCustomer> MembershipCustomers => Set<MembershipCustomer>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<AuditAnchor> AuditAnchors => Set<AuditAnchor>();
    public DbSet<AuditSigningKey> AuditSigningKeys => Set<AuditSigningKey>();
    public DbSet<AuditAlert> AuditAlerts => Set<AuditAlert>();
    public DbSet<AuditDetectionState> AuditDetectionStates => Set<AuditDetectionState>();
    public DbSet<AuditArchiveSegment> AuditArchiveSegments => Set<AuditArchiveSegment>();
    public DbSet<FeatureOverride> FeatureOverrides => Set<FeatureOverride>();
    public DbSet<WorkerHeartbeat> WorkerHeartbeats => Set<WorkerHeartbeat>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<EnrollmentToken> EnrollmentTokens => Set<EnrollmentToken>();
    public DbSet<AssetGroup> AssetGroups => Set<AssetGroup>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<AgentNonce> AgentNonces => Set<AgentNonce>();
    public DbSet<SnapshotRecord> Snapshots => Set<SnapshotRecord>();
    public DbSet<AssetState> AssetStates => Set<AssetState>();
    public DbSet<CollectionInterval> CollectionIntervals => Set<CollectionInterval>();
    public DbSet<PayloadKey> PayloadKeys => Set<PayloadKey>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<ExportFile> ExportFiles => Set<ExportFile>();
    public DbSet<NotificationEvent> NotificationEvents => Set<NotificationEvent>();
    public DbSet<NotificationRule> NotificationRules => Set<NotificationRule>();
    public DbSet<NotificationSchedule> NotificationSchedules => Set<NotificationSchedule>();
    public DbSet<NotificationEndpoint> NotificationEndpoints => Set<NotificationEndpoint>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<NotificationAttempt> NotificationAttempts => Set<NotificationAttempt>();
    public DbSet<IntegrityBaseline> IntegrityBaselines => Set<IntegrityBaseline>();
    public DbSet<IntegrityEvent> IntegrityEvents => Set<IntegrityEvent>();
    public DbSet<IntegrityEventComment> IntegrityEventComments => Set<IntegrityEventComment>();
    public DbSet<IntegritySuppression> IntegritySuppressions => Set<IntegritySuppression>();
    public DbSet<IntegrityRule> IntegrityRules => Set<IntegrityRule>();

    public TenantScope Scope => scope;

    private readonly List<AuditRecord> _stagedAudit = [];

    /// <summary>
    /// Stages an audit record; the next <see cref="SaveChangesAsync(bool, CancellationToken)"/> links it
    /// onto its tenant's chain and commits it in the same transaction as the change it describes.
    /// </summary>
    public void StageAudit(AuditRecord record) => _stagedAudit.Add(record);

    /// <summary>Audit records this context has committed; a staged record that was rolled back does not count.</summary>
    public int AuditRecordsCommitted { get; private set; }

    private int _auditLinkedInOpenTransaction;

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it — for a check that must hold
    /// until the change is saved (take a lock, check, change, SaveChangesAsync inside).
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        AuditRecordsCommitted += _auditLinkedInOpenTransaction;
        _auditLinkedInOpenTransaction = 0;
        return result;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseWritesOutsideScope();
        if (_stagedAudit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await Audit.AuditChainAppender.LinkAsync(this, _stagedAudit, cancellationToken);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            var linked = _stagedAudit.Count;
            _stagedAudit.Clear();
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
                AuditRecordsCommitted += linked;
            }
            else
            {
                _auditLinkedInOpenTransaction += linked;
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseWritesOutsideScope();
        return _stagedAudit.Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new InvalidOperationException("Audited changes are saved with SaveChangesAsync.");
    }

    /// <summary>
    /// The first wall for writes (query filters only guard reads): adding, changing or removing a
    /// tenant-scoped row is refused unless its tenant is in the current scope, so work that arrives
    /// without a tenant fails closed on SQLite as it does under row-level security on PostgreSQL.
    /// </summary>
    private void RefuseWritesOutsideScope()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantScoped>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && !scope.TenantIds.Contains(entry.Entity.TenantId))
            {
                throw new InvalidOperationException(
                    $"Refused to write {entry.Metadata.ClrType.Name} of tenant {entry.Entity.TenantId} outside that tenant's scope; enter it through ITenantScopeFactory.");
            }
        }
    }

    // Read by the query filters at query time, so a scope entered after the context was created still applies.
    private Guid[] CurrentTenantIds => scope.TenantIds;

    private string? CurrentLookupHash => scope.LookupHash;

    public bool IsPostgres => Database.ProviderName == PostgresProviderName;

    internal const string PostgresProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TenantraDbContext).Assembly);

        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => typeof(ITenantScoped).IsAssignableFrom(e.ClrType)))
        {
            var method = typeof(ISecretLookup).IsAssignableFrom(entity.ClrType) ? nameof(FilterWithLookup) : nameof(Filter);
            typeof(TenantraDbContext).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(entity.ClrType)
                .Invoke(this, [modelBuilder]);
        }

        ApplyNamingAndTypes(modelBuilder);
    }

    private void Filter<T>(ModelBuilder modelBuilder)
        where T : class, ITenantScoped =>
        modelBuilder.Entity<T>().HasQueryFilter(e => CurrentTenantIds.Contains(e.TenantId));

    /// <summary>The mapped property behind <see cref="ISecretLookup.LookupHash"/> of each lookup entity.</summary>
    private static readonly Dictionary<Type, string> s_lookupProperties = new()
    {
        [typeof(ApiToken)] = nameof(ApiToken.SecretHash),
        [typeof(Invitation)] = nameof(Invitation.TokenHash),
        [typeof(EnrollmentToken)] = nameof(EnrollmentToken.SecretHash),
        [typeof(Asset)] = nameof(Asset.AgentLookup),
    };

    private void FilterWithLookup<T>(ModelBuilder modelBuilder)
        where T : class, ITenantScoped, ISecretLookup
    {
        // The secret-hash column is named per entity; build "tenant in scope OR hash = presented hash".
        var hashProperty = s_lookupProperties[typeof(T)];
        var row = Expression.Parameter(typeof(T), "e");
        Expression<Func<T, bool>> inScope = e => CurrentTenantIds.Contains(e.TenantId);
        Expression<Func<string?>> presented = () => CurrentLookupHash;
        var body = Expression.OrElse(
            ReplacingExpressionVisitor.Replace(inScope.Parameters[0], row, inScope.Body),
            Expression.Equal(Expression.Property(row, hashProperty), presented.Body));
        modelBuilder.Entity<T>().HasQueryFilter(Expression.Lambda<Func<T, bool>>(body, row));
    }

    // SQLite cannot order or compare DateTimeOffset text. Values are always UTC, so UTC ticks order correctly and keep full precision.
    private static readonly ValueConverter<DateTimeOffset, long> s_utcTicks = new(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    private void ApplyNamingAndTypes(ModelBuilder modelBuilder)
    {
        var sqlite = Database.IsSqlite();
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            entity.SetTableName(SnakeCaseNames.Of(entity.GetTableName()!));
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCaseNames.Of(property.Name));
                if (sqlite && (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?)))
                {
                    property.SetValueConverter(s_utcTicks);
                }
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(SnakeCaseNames.Of(key.GetName()!));
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName(SnakeCaseNames.Of(foreignKey.GetConstraintName()!));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(SnakeCaseNames.Of(index.GetDatabaseName()!));
            }
        }
    }
}
