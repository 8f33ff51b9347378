using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.IntegrationTests.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>
/// The audit trail as operators rely on it: every change and every refusal leaves one record in the
/// right tenant's hash chain, with who, on whose behalf, what, before and after, from where, and
/// never a secret; the chain stays contiguous under concurrent writes and cannot be rewritten by
/// the application.
/// </summary>
public sealed class AuditTrailTests(SharedTestApp fixture) : IClassFixture<SharedTestApp>
{
    private const string UserAgent = "Tenantra-AuditTrailTests/1.0";

    private TenantraTestApp App => fixture.App;

    private TestData Data => fixture.Data;

    [Fact]
    public async Task Renaming_a_customer_as_msp_admin_appends_one_linked_record_with_actor_target_before_after_and_origin()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customer = await Data.TenantAsync(TenantKind.Customer, msp, "Contoso Dental");
        var admin = await Data.UserAsync(msp, Role.Admin);
        var client = await App.SignInAsync(admin.Email);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        // An earlier change, so the record under test links onto a real predecessor.
        await SendAsync(client.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { timeZone = "Europe/Berlin" }), HttpStatusCode.OK);
        var before = await ChainAsync(customer);
        var mspChainBefore = await ChainAsync(msp);

        var started = DateTimeOffset.UtcNow;
        await SendAsync(client.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Contoso Dental Group" }), HttpStatusCode.OK);

        var after = await ChainAsync(customer);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(mspChainBefore.Count, (await ChainAsync(msp)).Count);
        var previous = before[^1];
        var record = after[^1];
        Assert.Equal("tenant.updated", record.Action);
        Assert.Equal(AuditOutcome.Success, record.Outcome);
        Assert.Equal(customer, record.TenantId);
        Assert.Equal(admin.Id, record.ActorUserId);
        Assert.Equal(admin.Email, record.ActorName);
        Assert.Null(record.ActorTokenId);
        Assert.Equal(msp, record.OnBehalfOfTenantId);
        Assert.Equal("tenant", record.TargetType);
        Assert.Equal(customer.ToString(), record.TargetId);
        Assert.Equal("Contoso Dental", Json(record.Before).GetProperty("name").GetString());
        Assert.Equal("Contoso Dental Group", Json(record.After).GetProperty("name").GetString());
        Assert.Equal("Europe/Berlin", Json(record.Before).GetProperty("timeZone").GetString());
        Assert.Equal("Europe/Berlin", Json(record.After).GetProperty("timeZone").GetString());
        Assert.Equal(UserAgent, record.UserAgent);
        // TestServer gives requests no remote address, so there is none to record.
        Assert.Null(record.SourceIp);
        Assert.False(string.IsNullOrWhiteSpace(record.RequestId));
        Assert.NotEqual(previous.RequestId, record.RequestId);
        Assert.InRange(record.OccurredAt, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(previous.Sequence + 1, record.Sequence);
        Assert.Equal(previous.Hash, record.PreviousHash);
        Assert.Equal(AuditChain.ComputeHash(record), record.Hash);

        var verification = await SendAsync(client.PostAsync($"/api/v1/tenants/{customer}/audit-records/verify", null), HttpStatusCode.OK);
        Assert.True(verification.GetProperty("isValid").GetBoolean(), verification.GetRawText());
        Assert.Equal(after.Count, verification.GetProperty("recordsChecked").GetInt64());
    }

    [Fact]
    public async Task Sign_in_successes_and_failures_are_recorded_in_the_home_tenant_and_unknown_emails_in_the_platform_tenant()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customer = await Data.TenantAsync(TenantKind.Customer, msp);
        var user = await Data.UserAsync(customer, Role.Analyst);
        var unknownEmail = $"nobody-{Guid.NewGuid():N}@test.example";
        var client = App.CreateClient();

        await SendAsync(client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = "not the password at all" }), HttpStatusCode.Unauthorized);
        await SendAsync(client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = unknownEmail, password = "not the password at all" }), HttpStatusCode.Unauthorized);
        await SendAsync(client.PostAsJsonAsync("/api/v1/auth/sign-in", new { email = user.Email, password = TenantraTestApp.Password }), HttpStatusCode.OK);

        var home = await ChainAsync(customer);
        Assert.Collection(
            home,
            failed =>
            {
                Assert.Equal("sign-in.failed", failed.Action);
                Assert.Equal(AuditOutcome.Failure, failed.Outcome);
                Assert.Equal(user.Id, failed.ActorUserId);
                Assert.Equal(user.Email, failed.ActorName);
                Assert.Equal(user.Id.ToString(), failed.TargetId);
            },
            succeeded =>
            {
                Assert.Equal("sign-in.succeeded", succeeded.Action);
                Assert.Equal(AuditOutcome.Success, succeeded.Outcome);
                Assert.Equal(user.Id, succeeded.ActorUserId);
                Assert.Equal(user.Email, succeeded.ActorName);
                Assert.Equal(2, succeeded.Sequence);
            });
        Assert.Empty(await ChainAsync(msp));

        var platform = (await ChainAsync(App.PlatformTenantId)).Where(r => r.ActorName == unknownEmail).ToList();
        var unknown = Assert.Single(platform);
        Assert.Equal("sign-in.failed", unknown.Action);
        Assert.Equal(AuditOutcome.Failure, unknown.Outcome);
        Assert.Null(unknown.ActorUserId);
        Assert.Null(unknown.TargetId);
        Assert.DoesNotContain(await EveryRecordAsync(), r => r.ActorUserId == user.Id && r.TenantId != customer);
    }

    [Fact]
    public async Task Refused_requests_are_recorded_as_denied_in_the_route_tenant_or_the_platform_when_it_does_not_exist()
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customerA = await Data.TenantAsync(TenantKind.Customer, msp, "Customer A");
        var customerB = await Data.TenantAsync(TenantKind.Customer, msp, "Customer B");
        var adminA = await Data.UserAsync(customerA, Role.Admin);
        var viewerA = await Data.UserAsync(customerA, Role.Viewer);
        var admin = App.CreateTokenClient(await Data.TokenAsync(adminA, customerA));
        var viewer = App.CreateTokenClient(await Data.TokenAsync(viewerA, customerA));
        var missing = Guid.NewGuid();

        var refused = await SendAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{customerB}", new { name = "Taken over" }), HttpStatusCode.NotFound);
        await SendAsync(viewer.PatchAsJsonAsync($"/api/v1/tenants/{customerA}", new { name = "Renamed by a viewer" }), HttpStatusCode.Forbidden);
        await SendAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{missing}", new { name = "Nowhere" }), HttpStatusCode.NotFound);

        var inB = Assert.Single(await ChainAsync(customerB));
        Assert.Equal(AuditOutcome.Denied, inB.Outcome);
        Assert.StartsWith("PATCH /api/v1/tenants/", inB.Action, StringComparison.Ordinal);
        Assert.Equal(adminA.Id, inB.ActorUserId);
        Assert.NotNull(inB.ActorTokenId);
        Assert.Null(inB.Before);
        Assert.Null(inB.After);
        Assert.Null(inB.OnBehalfOfTenantId);
        Assert.Equal(refused.GetProperty("requestId").GetString(), inB.RequestId);

        var inA = Assert.Single(await ChainAsync(customerA));
        Assert.Equal(AuditOutcome.Denied, inA.Outcome);
        Assert.StartsWith("PATCH /api/v1/tenants/", inA.Action, StringComparison.Ordinal);
        Assert.Equal(viewerA.Id, inA.ActorUserId);

        var inPlatform = Assert.Single(await ChainAsync(App.PlatformTenantId), r => r.ActorUserId == adminA.Id);
        Assert.Equal(AuditOutcome.Denied, inPlatform.Outcome);
        Assert.StartsWith("PATCH /api/v1/tenants/", inPlatform.Action, StringComparison.Ordinal);

        var names = await App.InPlatformAsync(db => db.Tenants.Where(t => t.Id == customerA || t.Id == customerB).Select(t => t.Name).OrderBy(n => n).ToListAsync());
        Assert.Equal(["Customer A", "Customer B"], names);
    }

    [Fact]
    public async Task Secrets_of_created_tokens_and_users_never_reach_the_audit_trail()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var admin = await Data.UserAsync(customer, Role.Admin);
        var client = await App.SignInAsync(admin.Email);
        const string password = "an audited password that is never stored";

        var created = await SendAsync(client.PostAsJsonAsync($"/api/v1/tenants/{customer}/api-tokens", new { name = "PSA sync", scopes = new[] { "tenant:read" } }), HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString()!;
        var tokenId = created.GetProperty("apiToken").GetProperty("id").GetGuid();
        var user = await SendAsync(client.PostAsJsonAsync($"/api/v1/tenants/{customer}/users",
            new { email = $"new-{Guid.NewGuid():N}@test.example", displayName = "New User", role = "analyst", password }), HttpStatusCode.Created);
        var userId = user.GetProperty("user").GetProperty("id").GetGuid();

        var secretHash = await App.InTenantAsync(customer, services =>
            services.GetRequiredService<TenantraDbContext>().ApiTokens.Where(t => t.Id == tokenId).Select(t => t.SecretHash).SingleAsync());
        var passwordHash = await App.InPlatformAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.PasswordHash).SingleAsync());
        Assert.False(string.IsNullOrEmpty(passwordHash));

        var chain = await ChainAsync(customer);
        var tokenRecord = Assert.Single(chain, r => r.Action == "api-token.created");
        Assert.Equal(tokenId.ToString(), tokenRecord.TargetId);
        var tokenAfter = Json(tokenRecord.After);
        Assert.Equal("PSA sync", tokenAfter.GetProperty("name").GetString());
        Assert.Equal(token[..10], tokenAfter.GetProperty("prefix").GetString());
        var userRecord = Assert.Single(chain, r => r.Action == "user.created");
        Assert.Equal(userId.ToString(), userRecord.TargetId);
        Assert.Equal("New User", Json(userRecord.After).GetProperty("displayName").GetString());

        foreach (var record in await EveryRecordAsync())
        {
            var text = string.Join('\n', record.ActorName, record.Action, record.TargetId, record.Before, record.After, record.UserAgent);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token[10..], text, StringComparison.Ordinal);
            Assert.DoesNotContain(secretHash, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(passwordHash!, text, StringComparison.Ordinal);
            foreach (var snapshot in new[] { record.Before, record.After }.Where(s => s is not null))
            {
                AssertSecretsMasked(Json(snapshot), $"{record.TenantId}#{record.Sequence} {record.Action}");
            }
        }
    }

    [Fact]
    public void Snapshots_mask_every_secret_like_property_at_any_depth_and_keep_nulls_visible()
    {
        var snapshot = Json(AuditSnapshot.Of(new
        {
            Name = "PSA sync",
            SecretHash = "9f86d081884c7d659a2feaa0c55ad015",
            Password = "hunter2hunter2",
            TokenHash = (string?)null,
            Nested = new[] { new { AuthenticatorKeyProtected = "CfDJ8", RecoveryCode = "k7dq-2mfx-p9ta", SecurityStamp = "stamp", Count = 3 } },
        }));

        Assert.Equal("PSA sync", snapshot.GetProperty("name").GetString());
        Assert.Equal("***", snapshot.GetProperty("secretHash").GetString());
        Assert.Equal("***", snapshot.GetProperty("password").GetString());
        Assert.Equal(JsonValueKind.Null, snapshot.GetProperty("tokenHash").ValueKind);
        var nested = snapshot.GetProperty("nested")[0];
        Assert.Equal("***", nested.GetProperty("authenticatorKeyProtected").GetString());
        Assert.Equal("***", nested.GetProperty("recoveryCode").GetString());
        Assert.Equal("***", nested.GetProperty("securityStamp").GetString());
        Assert.Equal(3, nested.GetProperty("count").GetInt32());
        Assert.Null(AuditSnapshot.Of(null));
    }

    [Fact]
    public async Task Twenty_concurrent_renames_in_one_tenant_make_twenty_contiguous_linked_records()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var admin = await Data.UserAsync(customer, Role.Admin);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 20; i++)
        {
            clients.Add(App.CreateTokenClient(await Data.TokenAsync(admin, customer)));
        }

        var responses = await Task.WhenAll(clients.Select((c, i) => c.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = $"Concurrent {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var chain = await ChainAsync(customer);
        Assert.Equal(20, chain.Count);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), chain.Select(r => r.Sequence));
        Assert.All(chain, r => Assert.Equal("tenant.updated", r.Action));
        Assert.Equal(20, chain.Select(r => r.ActorTokenId).Distinct().Count());
        Assert.Equal(AuditChain.GenesisHash, chain[0].PreviousHash);
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.Equal(chain[i - 1].Hash, chain[i].PreviousHash);
        }

        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => $"Concurrent {i}").Order(StringComparer.Ordinal),
            chain.Select(r => Json(r.After).GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        var head = await App.InTenantAsync(customer, services =>
            services.GetRequiredService<TenantraDbContext>().AuditChainHeads.AsNoTracking().SingleAsync(h => h.TenantId == customer));
        Assert.Equal(20, head.LastSequence);
        Assert.Equal(chain[^1].Hash, head.LastHash);
        var verification = await SendAsync(clients[0].PostAsync($"/api/v1/tenants/{customer}/audit-records/verify", null), HttpStatusCode.OK);
        Assert.True(verification.GetProperty("isValid").GetBoolean(), verification.GetRawText());
        Assert.Equal(20, verification.GetProperty("recordsChecked").GetInt64());
    }

    [Fact]
    public async Task A_write_that_fails_after_staging_its_record_still_leaves_a_failure_record()
    {
        // SQLite cannot show that both requests are waiting, so a pause stands in; when it was too short
        // (the second request checked after the first committed and got 400), try again with a longer one.
        for (var attempt = 1; ; attempt++)
        {
            var (customer, statuses) = await AddTheSameMembershipTwiceAtOnceAsync(TimeSpan.FromSeconds(attempt));
            if (!App.Database.IsPostgres && attempt < 4 && statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.BadRequest]))
            {
                continue;
            }

            Assert.Equal(new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }, statuses);
            var chain = await ChainAsync(customer);
            Assert.True(chain.Count == 3, $"{chain.Count} records, expected the rename, the membership and the refused duplicate: {string.Join(", ", chain.Select(r => $"{r.Action} {r.Outcome}"))}");
            Assert.Single(chain, r => r.Action == "membership.created" && r.Outcome == AuditOutcome.Success);
            Assert.Single(chain, r => r.Outcome == AuditOutcome.Failure);
            return;
        }
    }

    /// <summary>
    /// Holds a customer's chain head while two requests add the same membership, so both pass the
    /// duplicate check and stage their records before either commits; released, the second hits
    /// the unique index (409) after its record was staged.
    /// </summary>
    private async Task<(Guid Customer, HttpStatusCode[] Statuses)> AddTheSameMembershipTwiceAtOnceAsync(TimeSpan sqlitePause)
    {
        var msp = await Data.TenantAsync(TenantKind.Msp);
        var customer = await Data.TenantAsync(TenantKind.Customer, msp);
        var admin = await Data.UserAsync(msp, Role.Admin);
        // An MSP technician with no customers yet: an account of this customer's organisation.
        var joining = await Data.UserAsync(msp, Role.Viewer, CustomerScope.SelectedCustomers);
        // Session clients: an API token's use is itself a write, which SQLite would serialise before the check.
        var first = await App.SignInAsync(admin.Email);
        var second = await App.SignInAsync(admin.Email);
        await SendAsync(first.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Chain started" }), HttpStatusCode.OK);

        await using var owner = await OwnerConnection.OpenAsync(App.Database, customer);
        await using var hold = await owner.BeginTransactionAsync();
        await using var locked = OwnerConnection.Command(owner, App.Database.IsPostgres
            ? "SELECT last_sequence FROM audit_chain_heads WHERE tenant_id = @tenant FOR UPDATE"
            : "UPDATE audit_chain_heads SET last_sequence = last_sequence WHERE tenant_id = @tenant", ("tenant", OwnerConnection.Id(owner, customer)));
        locked.Transaction = hold;
        await locked.ExecuteNonQueryAsync();
        var requests = new[] { first, second }.Select(c => c.PostAsJsonAsync($"/api/v1/tenants/{customer}/memberships", new { email = joining.Email, role = "analyst" })).ToArray();
        await WaitUntilBlockedAsync(2, sqlitePause);
        await hold.CommitAsync();
        var responses = await Task.WhenAll(requests);
        return (customer, [.. responses.Select(r => r.StatusCode).Order()]);
    }

    [Fact]
    public async Task Listing_pages_newest_first_filters_by_action_prefix_and_outcome_for_auditors_but_not_viewers()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var admin = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(customer, Role.Admin), customer));
        var auditor = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(customer, Role.Auditor), customer));
        var viewer = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(customer, Role.Viewer), customer));
        // Sequences: 1 rename, 2 rename, 3 denied, 4 rename, 5 denied.
        await SendAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Listed 1" }), HttpStatusCode.OK);
        await SendAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Listed 2" }), HttpStatusCode.OK);
        await SendAsync(viewer.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Viewer 1" }), HttpStatusCode.Forbidden);
        await SendAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Listed 3" }), HttpStatusCode.OK);
        await SendAsync(viewer.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Viewer 2" }), HttpStatusCode.Forbidden);
        var url = $"/api/v1/tenants/{customer}/audit-records";

        var first = await SendAsync(auditor.GetAsync($"{url}?pageSize=2"), HttpStatusCode.OK);
        Assert.Equal(5, first.GetProperty("total").GetInt32());
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(2, first.GetProperty("pageSize").GetInt32());
        Assert.Equal(new long[] { 5L, 4L }, Sequences(first));
        Assert.Equal(new long[] { 3L, 2L }, Sequences(await SendAsync(auditor.GetAsync($"{url}?pageSize=2&page=2"), HttpStatusCode.OK)));
        Assert.Equal(new long[] { 1L }, Sequences(await SendAsync(auditor.GetAsync($"{url}?pageSize=2&page=3"), HttpStatusCode.OK)));

        var renames = await SendAsync(auditor.GetAsync($"{url}?action=tenant."), HttpStatusCode.OK);
        Assert.Equal(3, renames.GetProperty("total").GetInt32());
        Assert.Equal(new long[] { 4L, 2L, 1L }, Sequences(renames));
        Assert.All(renames.GetProperty("items").EnumerateArray(), r => Assert.Equal("tenant.updated", r.GetProperty("action").GetString()));

        var denied = await SendAsync(auditor.GetAsync($"{url}?outcome=Denied"), HttpStatusCode.OK);
        Assert.Equal(new long[] { 5L, 3L }, Sequences(denied));
        Assert.All(denied.GetProperty("items").EnumerateArray(), r => Assert.Equal("denied", r.GetProperty("outcome").GetString()));
        Assert.Empty(Sequences(await SendAsync(auditor.GetAsync($"{url}?action=tenant.&outcome=Denied"), HttpStatusCode.OK)));
        Assert.Empty(Sequences(await SendAsync(auditor.GetAsync($"{url}?action=user."), HttpStatusCode.OK)));

        await SendAsync(viewer.GetAsync(url), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_outcome_filter_accepts_the_spelling_the_api_returns()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var admin = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(customer, Role.Admin), customer));
        var viewer = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(customer, Role.Viewer), customer));
        await SendAsync(viewer.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Viewer" }), HttpStatusCode.Forbidden);
        var url = $"/api/v1/tenants/{customer}/audit-records";
        var listed = await SendAsync(admin.GetAsync(url), HttpStatusCode.OK);
        var outcome = listed.GetProperty("items")[0].GetProperty("outcome").GetString();
        Assert.Equal("denied", outcome);

        // A client filters with the value it was given; enum values are camelCase everywhere else in the API.
        var filtered = await SendAsync(admin.GetAsync($"{url}?outcome={outcome}"), HttpStatusCode.OK);
        Assert.Equal(new long[] { 1L }, Sequences(filtered));
    }

    [Fact]
    public async Task Audit_records_cannot_be_changed_or_removed_by_the_application()
    {
        var customer = await Data.TenantAsync(TenantKind.Customer, await Data.TenantAsync(TenantKind.Msp));
        var admin = App.CreateTokenClient(await Data.TokenAsync(await Data.UserAsync(customer, Role.Admin), customer));
        await SendAsync(admin.PatchAsJsonAsync($"/api/v1/tenants/{customer}", new { name = "Append only" }), HttpStatusCode.OK);
        var original = Assert.Single(await ChainAsync(customer));

        // The API offers no way to change or remove a record.
        await SendAsync(admin.DeleteAsync($"/api/v1/tenants/{customer}/audit-records"), HttpStatusCode.MethodNotAllowed);
        await SendAsync(admin.PutAsJsonAsync($"/api/v1/tenants/{customer}/audit-records", new { action = "x" }), HttpStatusCode.MethodNotAllowed);
        await SendAsync(admin.DeleteAsync($"/api/v1/tenants/{customer}/audit-records/1"), HttpStatusCode.MethodNotAllowed);
        await SendAsync(admin.PutAsJsonAsync($"/api/v1/tenants/{customer}/audit-records/1", new { action = "x" }), HttpStatusCode.MethodNotAllowed);

        if (App.Database.IsPostgres)
        {
            // The application's own database role may insert records but never update, delete or truncate them.
            await using var connection = new NpgsqlConnection(App.Database.AppConnectionString);
            await connection.OpenAsync();
            await using (var scope = new NpgsqlCommand("SELECT set_config('tenantra.tenant_ids', @ids, false)", connection))
            {
                scope.Parameters.AddWithValue("ids", customer.ToString());
                await scope.ExecuteNonQueryAsync();
            }

            foreach (var sql in new[]
            {
                "UPDATE audit_records SET action = 'tampered' WHERE tenant_id = @tenant",
                "DELETE FROM audit_records WHERE tenant_id = @tenant",
                "TRUNCATE audit_records",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("tenant", customer);
                var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
        }

        var chain = await ChainAsync(customer);
        Assert.Equal(original.Hash, chain[0].Hash);
        Assert.Equal("tenant.updated", chain[0].Action);
        var verification = await SendAsync(admin.PostAsync($"/api/v1/tenants/{customer}/audit-records/verify", null), HttpStatusCode.OK);
        Assert.True(verification.GetProperty("isValid").GetBoolean(), verification.GetRawText());
    }

    /// <summary>
    /// Waits until <paramref name="count"/> of the app's database sessions wait for a lock. PostgreSQL
    /// shows this (to the same role) in pg_stat_activity; SQLite cannot, so there <paramref name="sqlitePause"/> has to do.
    /// </summary>
    private async Task WaitUntilBlockedAsync(int count, TimeSpan sqlitePause)
    {
        if (!App.Database.IsPostgres)
        {
            await Task.Delay(sqlitePause);
            return;
        }

        await using var connection = new NpgsqlConnection(App.Database.AppConnectionString);
        await connection.OpenAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
            if ((long)(await waiting.ExecuteScalarAsync())! >= count)
            {
                return;
            }
        }

        Assert.Fail($"{count} requests did not reach the held chain head within 20 s.");
    }

    private static void AssertSecretsMasked(JsonElement element, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (AuditSnapshot.SecretNameParts.Any(p => property.Name.Contains(p, StringComparison.OrdinalIgnoreCase)))
                    {
                        Assert.True(
                            property.Value.ValueKind == JsonValueKind.Null || property.Value.GetString() == "***",
                            $"{where}: {property.Name} is not masked: {property.Value.GetRawText()}");
                    }
                    else
                    {
                        AssertSecretsMasked(property.Value, where);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertSecretsMasked(item, where);
                }

                break;
        }
    }

    private static long[] Sequences(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence").GetInt64())];

    private static JsonElement Json(string? json)
    {
        Assert.NotNull(json);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private Task<List<AuditRecord>> ChainAsync(Guid tenantId) => App.InTenantAsync(tenantId, services =>
        services.GetRequiredService<TenantraDbContext>().AuditRecords.AsNoTracking()
            .Where(r => r.TenantId == tenantId).OrderBy(r => r.Sequence).ToListAsync());

    /// <summary>Every tenant's records, read in one roll-up scope over all tenants.</summary>
    private async Task<List<AuditRecord>> EveryRecordAsync()
    {
        var tenants = await App.InPlatformAsync(db => db.Tenants.Select(t => t.Id).ToListAsync());
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(tenants);
        return await scope.ServiceProvider.GetRequiredService<TenantraDbContext>().AuditRecords.AsNoTracking().ToListAsync();
    }

    private static async Task<JsonElement> SendAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }
}
