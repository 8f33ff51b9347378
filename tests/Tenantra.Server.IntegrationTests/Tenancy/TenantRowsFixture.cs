using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core;
using Tenantra.Core.Agents;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Platform;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Tenancy;

/// <summary>
/// An app whose customers A and B (MSP M) and C (MSP N) each hold rows in every tenant-scoped
/// table: <see cref="RowsPerTenant"/> of each, written through the application's own services.
/// </summary>
public sealed class TenantRowsFixture : IAsyncLifetime
{
    /// <summary>What each seeded tenant holds, by table.</summary>
    public static readonly IReadOnlyDictionary<string, int> RowsPerTenant = new Dictionary<string, int>
    {
        ["audit_records"] = 2,
        ["audit_chain_heads"] = 1,
        // The head's, and the archiver's at the ends of the segments due (records 1 and 2, one record each).
        ["audit_anchors"] = 3,
        ["audit_archive_segments"] = 1,
        ["audit_alerts"] = 1,
        ["audit_detection_states"] = 1,
        ["feature_overrides"] = 1,
        ["api_tokens"] = 1,
        ["invitations"] = 1,
        ["enrollment_tokens"] = 1,
        ["asset_groups"] = 1,
        ["assets"] = 1,
        ["agent_nonces"] = 1,
        ["snapshots"] = 1,
        ["asset_states"] = 1,
        ["collection_intervals"] = 1,
        ["export_files"] = 1,
        ["notification_events"] = 1,
        ["notification_rules"] = 1,
        ["notification_schedules"] = 1,
        ["notification_endpoints"] = 1,
        ["notification_deliveries"] = 1,
        ["notification_attempts"] = 1,
        ["integrity_baselines"] = 1,
        ["integrity_events"] = 1,
        ["integrity_event_comments"] = 1,
        ["integrity_suppressions"] = 1,
        ["integrity_rules"] = 1,
    };

    private readonly Dictionary<Guid, (string TokenHash, string InvitationHash)> _secrets = [];

    public TenantraTestApp App { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    /// <summary>The MSP of A and B.</summary>
    public Guid Msp { get; private set; }

    public Guid A { get; private set; }

    public Guid B { get; private set; }

    public Guid C { get; private set; }

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        Data = new TestData(App);
        Msp = await Data.TenantAsync(TenantKind.Msp);
        var n = await Data.TenantAsync(TenantKind.Msp);
        A = await Data.TenantAsync(TenantKind.Customer, Msp);
        B = await Data.TenantAsync(TenantKind.Customer, Msp);
        C = await Data.TenantAsync(TenantKind.Customer, n);
        foreach (var tenantId in new[] { A, B, C })
        {
            _secrets[tenantId] = await SeedAsync(tenantId);
        }
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public string TokenHashOf(Guid tenantId) => _secrets[tenantId].TokenHash;

    public string InvitationHashOf(Guid tenantId) => _secrets[tenantId].InvitationHash;

    /// <summary>Writes <see cref="RowsPerTenant"/> into <paramref name="tenantId"/>; returns the secret hashes of its token and invitation.</summary>
    public async Task<(string TokenHash, string InvitationHash)> SeedAsync(Guid tenantId)
    {
        var admin = await Data.UserAsync(tenantId, Role.Admin);
        var token = await Data.TokenAsync(admin, tenantId);
        // The first record goes into an archive segment, the next stay live.
        foreach (var action in new[] { "test.archived" }.Concat(Enumerable.Range(0, RowsPerTenant["audit_records"]).Select(i => $"test.seeded-{i}")))
        {
            await using var scope = App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AuditWriter>().WriteAsync(tenantId, new AuditEvent(action, "tenant", tenantId));
        }

        await App.ArchiveOldestAsync(tenantId, records: 1);

        var invitation = SecretTokens.New("inv_");
        await App.InTenantAsync(tenantId, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            var now = DateTimeOffset.UtcNow;
            db.FeatureOverrides.Add(new FeatureOverride { TenantId = tenantId, FeatureKey = "audit", Enabled = false, UpdatedAt = now });
            db.AuditDetectionStates.Add(new AuditDetectionState { TenantId = tenantId, ExaminedThrough = 2 });
            db.AuditAlerts.Add(new AuditAlert
            {
                TenantId = tenantId,
                Detection = AuditDetection.MassDelete,
                Title = "Mass delete",
                Detail = $"seeded for {tenantId}",
                RecordsQuery = "q=seeded",
                FirstSequence = 1,
                LastSequence = 2,
                Records = 2,
                OccurredAt = now,
                RaisedAt = now,
                Fingerprint = $"seeded:{tenantId}",
            });
            db.Invitations.Add(new Invitation
            {
                TenantId = tenantId,
                Email = $"invitee-{tenantId:N}@test.example",
                NormalizedEmail = $"INVITEE-{tenantId:N}@TEST.EXAMPLE",
                Role = Role.Viewer,
                TokenHash = SecretTokens.Hash(invitation),
                InvitedByUserId = admin.Id,
                CreatedAt = now,
                ExpiresAt = now.AddDays(7),
            });
            var group = new AssetGroup { TenantId = tenantId, Name = "servers", CreatedAt = now };
            db.AssetGroups.Add(group);
            db.EnrollmentTokens.Add(new EnrollmentToken
            {
                TenantId = tenantId,
                Label = "seeded",
                Prefix = "tne_seed",
                SecretHash = SecretTokens.Hash(SecretTokens.New("tne_")),
                CreatedByUserId = admin.Id,
                CreatedAt = now,
                AssetGroupId = group.Id,
            });
            var asset = new Asset { TenantId = tenantId, MachineId = $"machine-{tenantId:N}", Hostname = "seeded-host", PublicKey = "seeded-key", GroupId = group.Id };
            db.Assets.Add(new Asset
            {
                Id = asset.Id,
                AgentLookup = Asset.LookupFor(asset.Id),
                TenantId = tenantId,
                MachineId = asset.MachineId,
                Hostname = asset.Hostname,
                PublicKey = asset.PublicKey,
                GroupId = group.Id,
                EnrolledAt = now,
                LastSeenAt = now,
            });
            db.AgentNonces.Add(new AgentNonce { TenantId = tenantId, AssetId = asset.Id, Nonce = "seeded-nonce", SeenAt = now });
            var snapshotId = Guid.CreateVersion7();
            db.Snapshots.Add(new SnapshotRecord
            {
                TenantId = tenantId,
                AssetId = asset.Id,
                Id = snapshotId,
                Category = "services",
                SchemaVersion = 1,
                CollectedAt = now,
                ReceivedAt = now,
                ContentHash = new string('0', 64),
                EntryCount = 0,
                KeyId = 1,
                Payload = [1, 2, 3],
            });
            db.AssetStates.Add(new AssetState
            {
                TenantId = tenantId,
                AssetId = asset.Id,
                Category = "services",
                SnapshotId = snapshotId,
                CollectedAt = now,
                ContentHash = new string('0', 64),
                EntriesJson = "[]",
            });
            db.CollectionIntervals.Add(new CollectionInterval { TenantId = tenantId, Category = "processes", Seconds = 600 });
            db.ExportFiles.Add(new Core.Exports.ExportFile { TenantId = tenantId, Dataset = "audit-records", Format = "csv", CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(7) });
            SeedNotifications(db, tenantId, now);
            SeedIntegrity(db, tenantId, asset.Id, snapshotId, now);
            return await db.SaveChangesAsync();
        });
        return (SecretTokens.Hash(token), SecretTokens.Hash(invitation));
    }

    private static void SeedNotifications(TenantraDbContext db, Guid tenantId, DateTimeOffset now)
    {
        var notification = new NotificationEvent { TenantId = tenantId, Type = NotificationCatalog.Test, Title = "Seeded", Fingerprint = "seeded", OccurredAt = now };
        db.NotificationEvents.Add(notification);
        db.NotificationRules.Add(new NotificationRule { TenantId = tenantId, UserId = Guid.Empty, EventType = NotificationCatalog.Test, Channels = UserChannels.InApp });
        db.NotificationSchedules.Add(new NotificationSchedule { TenantId = tenantId, UserId = Guid.Empty });
        db.NotificationEndpoints.Add(new NotificationEndpoint { TenantId = tenantId, Name = "Seeded", ProtectedUrl = "v1:seeded", UrlHint = "https://seeded/…", CreatedAt = now });
        var delivery = new NotificationDelivery
        {
            TenantId = tenantId,
            EventId = notification.Id,
            EventType = notification.Type,
            Recipient = "seeded",
            DedupeKey = "seeded",
            ThrottleKey = "seeded",
            Status = DeliveryStatus.Delivered,
            CreatedAt = now,
            DueAt = now,
        };
        db.NotificationDeliveries.Add(delivery);
        db.NotificationAttempts.Add(new NotificationAttempt
        {
            TenantId = tenantId,
            DeliveryId = delivery.Id,
            EventId = notification.Id,
            EventType = notification.Type,
            Recipient = "seeded",
            Attempt = 1,
            Response = "seeded",
            StartedAt = now,
            FinishedAt = now,
        });
    }

    private static void SeedIntegrity(TenantraDbContext db, Guid tenantId, Guid assetId, Guid snapshotId, DateTimeOffset now)
    {
        db.IntegrityBaselines.Add(new IntegrityBaseline
        {
            TenantId = tenantId,
            Scope = IntegrityBaseline.AssetScope(assetId),
            AssetId = assetId,
            Category = "services",
            EntriesJson = "[]",
            UpdatedAt = now,
        });
        var drift = new IntegrityEvent
        {
            TenantId = tenantId,
            AssetId = assetId,
            Category = "services",
            Kind = "systemd-unit",
            EntryKey = "seeded.service",
            FieldsJson = "[]",
            Fingerprint = "seeded",
            SnapshotId = snapshotId,
            LastSnapshotId = snapshotId,
            DetectedAt = now,
            LastSeenAt = now,
            UpdatedAt = now,
        };
        db.IntegrityEvents.Add(drift);
        db.IntegrityEventComments.Add(new IntegrityEventComment { TenantId = tenantId, EventId = drift.Id, AuthorName = "seeded", Text = "seeded", CreatedAt = now });
        db.IntegritySuppressions.Add(new IntegritySuppression { TenantId = tenantId, KeyPattern = "seeded-*", Comment = "seeded", CreatedAt = now });
        db.IntegrityRules.Add(new IntegrityRule { TenantId = tenantId, Key = "download-into-shell", Title = "seeded", Severity = Core.Notifications.NotificationSeverity.High, UpdatedAt = now });
    }

    /// <summary>The entity types of the model whose rows belong to one tenant.</summary>
    public static IReadOnlyList<IEntityType> TenantScopedEntities(TenantraDbContext db) =>
        [.. db.GetService<IDesignTimeModel>().Model.GetEntityTypes().Where(e => typeof(ITenantScoped).IsAssignableFrom(e.ClrType)).OrderBy(e => e.GetTableName())];

    /// <summary>The tenant id of every row <paramref name="db"/> lets through, by table, for every tenant-scoped entity of the model.</summary>
    public static async Task<Dictionary<string, List<Guid>>> VisibleTenantIdsAsync(TenantraDbContext db, bool ignoreQueryFilters = false)
    {
        var visible = new Dictionary<string, List<Guid>>();
        foreach (var entity in TenantScopedEntities(db))
        {
            var read = typeof(TenantRowsFixture).GetMethod(nameof(TenantIdsAsync), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(entity.ClrType);
            visible[entity.GetTableName()!] = await (Task<List<Guid>>)read.Invoke(null, [db, ignoreQueryFilters])!;
        }

        return visible;
    }

    private static Task<List<Guid>> TenantIdsAsync<T>(TenantraDbContext db, bool ignoreQueryFilters)
        where T : class, ITenantScoped
    {
        var rows = db.Set<T>().AsNoTracking();
        return (ignoreQueryFilters ? rows.IgnoreQueryFilters() : rows).Select(r => r.TenantId).ToListAsync();
    }
}
