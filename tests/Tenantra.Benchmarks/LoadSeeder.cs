using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Hosting;
using Tenantra.Server.Identity;

namespace Tenantra.Benchmarks;

/// <summary>
/// Fills a database for the list-endpoint load scenario: one MSP with <c>tenants</c> customers,
/// each with <c>rows</c> audit records forming a valid chain, and a platform admin API token with
/// audit:read. Writes the tenant ids (one per line) and the token to the given files.
/// </summary>
internal static class LoadSeeder
{
    public static async Task<int> RunAsync(string[] args)
    {
        var tenantCount = int.Parse(Arg(args, "--tenants", "100"), System.Globalization.CultureInfo.InvariantCulture);
        var rows = int.Parse(Arg(args, "--rows", "10000"), System.Globalization.CultureInfo.InvariantCulture);
        var tenantsFile = Arg(args, "--tenants-file", "tenants.txt");
        var tokenFile = Arg(args, "--token-file", "token.txt");
        var builder = TenantraApp.CreateBuilder([.. args.Where(a => a.StartsWith("--Tenantra:", StringComparison.Ordinal))]);
        builder.Configuration["Tenantra:Workers:Enabled"] = "false";
        builder.AddTenantraServices();
        await using var app = builder.Build();
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var platformId = await app.Services.GetRequiredService<Bootstrapper>().EnsurePlatformAsync();
        var clock = Stopwatch.StartNew();

        var admin = await app.Services.GetRequiredService<Bootstrapper>().CreatePlatformAdminAsync($"bench-{Guid.NewGuid():N}@bench.example", "Bench", null);
        var token = SecretTokens.New(ApiTokenAuthenticationHandler.TokenPrefix);
        var tenantIds = new List<Guid>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var adminUser = await db.Users.SingleAsync(u => u.Email == admin.Email);
            var msp = new Tenant { Kind = TenantKind.Msp, ParentId = platformId, Name = $"Bench MSP {Guid.NewGuid():N}", CreatedAt = DateTimeOffset.UtcNow };
            db.Tenants.Add(msp);
            for (var i = 0; i < tenantCount; i++)
            {
                var tenant = new Tenant { Kind = TenantKind.Customer, ParentId = msp.Id, Name = $"Bench customer {i:D3}", CreatedAt = DateTimeOffset.UtcNow };
                db.Tenants.Add(tenant);
                tenantIds.Add(tenant.Id);
            }

            await db.SaveChangesAsync();
            db.Scope.Enter(platformId);
            db.ApiTokens.Add(new ApiToken
            {
                TenantId = platformId,
                UserId = adminUser.Id,
                Name = "bench",
                Prefix = token[..10],
                SecretHash = SecretTokens.Hash(token),
                Scopes = [Permissions.ScopeName(Permission.AuditRead), Permissions.ScopeName(Permission.TenantRead), Permissions.ScopeName(Permission.UsersRead)],
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            });
            await db.SaveChangesAsync();
        }

        var options = app.Services.GetRequiredService<DatabaseOptions>();
        var done = 0;
        foreach (var tenantId in tenantIds)
        {
            var records = Chain(tenantId, rows, adminUser: admin.Email);
            if (options.Engine == DatabaseEngine.Postgres)
            {
                await CopyPostgresAsync(options.MigrationConnectionString, tenantId, records);
            }
            else
            {
                await InsertSqliteAsync(app.Services, tenantId, records);
            }

            if (++done % 10 == 0)
            {
                Console.WriteLine($"seeded {done}/{tenantIds.Count} tenants ({done * rows:N0} audit records, {clock.Elapsed.TotalSeconds:F0} s)");
            }
        }

        if (options.Engine == DatabaseEngine.Postgres)
        {
            // What autovacuum does soon after a bulk load in production: statistics and the visibility map.
            await using var connection = new NpgsqlConnection(options.MigrationConnectionString);
            await connection.OpenAsync();
            foreach (var table in new[] { "audit_records", "audit_chain_heads", "tenants", "memberships", "api_tokens", "users" })
            {
                await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection);
                await vacuum.ExecuteNonQueryAsync();
            }
        }

        await File.WriteAllLinesAsync(tenantsFile, tenantIds.Select(t => t.ToString()));
        await File.WriteAllTextAsync(tokenFile, token);
        Console.WriteLine($"seeded {tenantCount} tenants x {rows} audit records in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>The actors, addresses and acting MSP the seeded records vary over (the search load picks its filters from them).</summary>
    internal static readonly Guid[] Actors = [.. Enumerable.Range(1, 50).Select(i => new Guid($"0196b0a4-0000-7000-8000-{i:D12}"))];

    internal static readonly Guid ActingMsp = new("0196b0a4-0000-7000-8000-999999999999");

    internal static readonly string[] Actions =
    [
        "sign-in.succeeded", "sign-in.failed", "user.created", "user.updated", "membership.updated", "tenant.updated", "api-token.created", "api-token.revoked",
        "invitation.created", "invitation.revoked", "export.downloaded", "asset.updated", "enrollment-token.created", "integrity-event.triaged",
        "integrity-baseline.pinned", "notification-endpoint.updated", "feature.set", "user.password-changed", "collection-policy.set", "asset.revoked",
    ];

    private static readonly string[] s_words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"];

    /// <summary>
    /// A valid chain of <paramref name="rows"/> records a minute apart, ending now: 20 actions, 50 actors,
    /// 200 source addresses, a tenth by MSP staff, a twentieth failed, and before/after objects whose
    /// words vary, so filters and full-text search select realistic shares.
    /// </summary>
    private static List<AuditRecord> Chain(Guid tenantId, int rows, string adminUser)
    {
        var random = new Random(rows);
        var records = new List<AuditRecord>(rows);
        var start = DateTimeOffset.UtcNow.AddMinutes(-rows);
        var previous = AuditChain.GenesisHash;
        for (var i = 0; i < rows; i++)
        {
            var actor = random.Next(Actors.Length);
            var action = Actions[random.Next(Actions.Length)];
            var word = s_words[random.Next(s_words.Length)];
            var record = new AuditRecord
            {
                TenantId = tenantId,
                OccurredAt = new DateTimeOffset(start.AddSeconds(i * 60).UtcTicks / 10 * 10, TimeSpan.Zero),
                ActorUserId = Actors[actor],
                ActorName = actor == 0 ? adminUser : $"staff{actor}@bench.example",
                OnBehalfOfTenantId = i % 10 == 0 ? ActingMsp : null,
                Action = action,
                TargetType = action.Split('.')[0],
                TargetId = $"{action.Split('.')[0]}-{random.Next(5000)}",
                Before = $"{{\"name\":\"{word} {random.Next(100)}\",\"role\":\"viewer\"}}",
                After = $"{{\"name\":\"{word} {random.Next(100)}\",\"role\":\"{(random.Next(20) == 0 ? "admin" : "viewer")}\"}}",
                SourceIp = $"10.0.{random.Next(200) / 50}.{random.Next(50)}",
                UserAgent = "Mozilla/5.0 (bench)",
                RequestId = $"bench-{i}",
                Outcome = random.Next(20) == 0 ? AuditOutcome.Failure : AuditOutcome.Success,
            };
            AuditChain.Link(record, i, previous);
            previous = record.Hash;
            records.Add(record);
        }

        return records;
    }

    private static async Task InsertSqliteAsync(IServiceProvider services, Guid tenantId, List<AuditRecord> records)
    {
        await using var scope = services.GetRequiredService<ITenantScopeFactory>().Enter(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.AuditRecords.AddRange(records);
        db.AuditChainHeads.Add(new AuditChainHead { TenantId = tenantId, LastSequence = records[^1].Sequence, LastHash = records[^1].Hash });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private static async Task CopyPostgresAsync(string ownerConnection, Guid tenantId, List<AuditRecord> records)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('tenantra.tenant_ids', @t, false)", connection))
        {
            set.Parameters.AddWithValue("t", tenantId.ToString());
            await set.ExecuteNonQueryAsync();
        }

        // COPY is refused on tables with row-level security, so the rows go in as INSERT … SELECT FROM unnest(arrays),
        // 100,000 at a time (each row also fills the full-text column and its index).
        foreach (var chunk in records.Chunk(100_000))
        {
            await InsertChunkAsync(connection, tenantId, chunk);
        }

        await using var head = new NpgsqlCommand("INSERT INTO audit_chain_heads (tenant_id, last_sequence, last_hash) VALUES (@t, @s, @h)", connection);
        head.Parameters.AddWithValue("t", tenantId);
        head.Parameters.AddWithValue("s", records[^1].Sequence);
        head.Parameters.AddWithValue("h", records[^1].Hash);
        await head.ExecuteNonQueryAsync();
    }

    private static async Task InsertChunkAsync(NpgsqlConnection connection, Guid tenantId, AuditRecord[] records)
    {
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO audit_records (tenant_id, sequence, id, occurred_at, actor_user_id, actor_name, on_behalf_of_tenant_id, action, target_type, target_id, before, after,
                                       source_ip, user_agent, request_id, outcome, previous_hash, hash)
            SELECT @tenant, * FROM unnest(@sequence, @id, @occurred_at, @actor_user_id, @actor_name, @on_behalf_of, @action, @target_type, @target_id, @before, @after,
                                          @source_ip, @user_agent, @request_id, @outcome, @previous_hash, @hash)
            """,
            connection))
        {
            insert.Parameters.AddWithValue("tenant", tenantId);
            insert.Parameters.AddWithValue("sequence", records.Select(r => r.Sequence).ToArray());
            insert.Parameters.AddWithValue("id", records.Select(r => r.Id).ToArray());
            insert.Parameters.AddWithValue("occurred_at", records.Select(r => r.OccurredAt).ToArray());
            insert.Parameters.AddWithValue("actor_user_id", records.Select(r => r.ActorUserId!.Value).ToArray());
            insert.Parameters.AddWithValue("actor_name", records.Select(r => r.ActorName!).ToArray());
            insert.Parameters.Add(new NpgsqlParameter<Guid?[]>("on_behalf_of", [.. records.Select(r => r.OnBehalfOfTenantId)]));
            insert.Parameters.AddWithValue("action", records.Select(r => r.Action).ToArray());
            insert.Parameters.AddWithValue("target_type", records.Select(r => r.TargetType!).ToArray());
            insert.Parameters.AddWithValue("target_id", records.Select(r => r.TargetId!).ToArray());
            insert.Parameters.AddWithValue("before", records.Select(r => r.Before!).ToArray());
            insert.Parameters.AddWithValue("after", records.Select(r => r.After!).ToArray());
            insert.Parameters.AddWithValue("source_ip", records.Select(r => r.SourceIp!).ToArray());
            insert.Parameters.AddWithValue("user_agent", records.Select(r => r.UserAgent!).ToArray());
            insert.Parameters.AddWithValue("request_id", records.Select(r => r.RequestId!).ToArray());
            insert.Parameters.AddWithValue("outcome", records.Select(r => r.Outcome.ToString()).ToArray());
            insert.Parameters.AddWithValue("previous_hash", records.Select(r => r.PreviousHash).ToArray());
            insert.Parameters.AddWithValue("hash", records.Select(r => r.Hash).ToArray());
            insert.CommandTimeout = 600;
            await insert.ExecuteNonQueryAsync();
        }
    }

    internal static string Arg(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
