using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Platform;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Tenancy;

/// <summary>
/// The issue's isolation matrix: every endpoint of the application's endpoint data source, called
/// by every kind of tenant-A principal (each role directly in customer A1, an MSP-A admin over all
/// customers, an MSP-A technician limited to A1), by session and by API token, with tenant B's ids
/// in the path, the query and the body. Routes of a tenant must refuse (403/404); every other route
/// must not fail and must not mention anything of B's. Afterwards B's data must be as it was.
/// </summary>
public sealed partial class IsolationMatrixTests(IsolationMatrixFixture world) : IClassFixture<IsolationMatrixFixture>
{
    /// <summary>Fewer endpoints than this means the enumeration broke, and the sweep would prove nothing.</summary>
    private const int MinimumEndpoints = 30;

    [Fact]
    public void The_endpoint_data_source_lists_every_mapped_route()
    {
        var routes = world.Routes();

        Assert.True(routes.Count > MinimumEndpoints, $"Only {routes.Count} routes enumerated: {string.Join(", ", routes)}");
        foreach (var expected in new[]
        {
            "GET /api/v1/tenants/{tenantId:guid}/", "PATCH /api/v1/tenants/{tenantId:guid}/", "DELETE /api/v1/tenants/{tenantId:guid}/",
            "POST /api/v1/msps/{mspId:guid}/customers", "GET /api/v1/tenants/{tenantId:guid}/users/{userId:guid}",
            "DELETE /api/v1/tenants/{tenantId:guid}/memberships/{membershipId:guid}", "DELETE /api/v1/tenants/{tenantId:guid}/invitations/{invitationId:guid}",
            "DELETE /api/v1/tenants/{tenantId:guid}/api-tokens/{tokenId:guid}", "PUT /api/v1/tenants/{tenantId:guid}/features/{key}",
            "GET /api/v1/features", "POST /api/v1/invitations/accept", "POST /api/v1/auth/sign-in", "GET /metrics",
        })
        {
            Assert.Contains(expected, routes.Select(r => r.ToString()));
        }
    }

    [Fact]
    public async Task Session_callers_of_tenant_A_get_nothing_of_tenant_B_from_any_endpoint()
    {
        var violations = new List<string>();
        var calls = 0;
        foreach (var principal in world.Principals)
        {
            using var client = await world.App.SignInAsync(principal.User.Email);
            calls += await SweepAsync(client, $"{principal.Name} (session)", world.BTargets, violations);
        }

        AssertNoViolations(violations, calls);
        await AssertTenantBUnchangedAsync();
    }

    [Fact]
    public async Task Token_callers_of_tenant_A_get_nothing_of_tenant_B_from_any_endpoint()
    {
        var violations = new List<string>();
        var calls = 0;
        foreach (var principal in world.Principals)
        {
            using var client = world.App.CreateTokenClient(principal.Token);
            calls += await SweepAsync(client, $"{principal.Name} (token)", world.BTargets, violations);
        }

        AssertNoViolations(violations, calls);
        await AssertTenantBUnchangedAsync();
    }

    /// <summary>
    /// Positive control for the paths and queries: the same principals, the same read routes, with
    /// tenant A's ids, get through (so the refusals above are about the tenant, not a malformed request).
    /// </summary>
    [Fact]
    public async Task The_same_principals_reach_their_own_tenant_through_the_same_routes()
    {
        var violations = new List<string>();
        foreach (var principal in world.Principals)
        {
            foreach (var (mode, client) in new[]
            {
                ("session", await world.App.SignInAsync(principal.User.Email)),
                ("token", world.App.CreateTokenClient(principal.Token)),
            })
            {
                using var owned = client;
                var succeeded = new List<string>();
                foreach (var route in world.Routes().Where(r => r.Method == HttpMethods.Get))
                {
                    var (status, body) = await CallAsync(client, route, world.ATargets(principal));
                    if ((int)status is >= 200 and < 300)
                    {
                        succeeded.Add(route.Template);
                    }
                    else if ((int)status >= 500)
                    {
                        violations.Add($"{principal.Name} ({mode}): GET {route.Template} with A's ids answered {(int)status}: {Snippet(body)}");
                    }

                    violations.AddRange(world.Leaks(body).Select(leak => $"{principal.Name} ({mode}): GET {route.Template} with A's ids mentions B's {leak}"));
                }

                foreach (var required in new[] { "/api/v1/tenants/{tenantId:guid}/", "/api/v1/features", "/api/v1/auth/me" })
                {
                    if (!succeeded.Contains(required))
                    {
                        violations.Add($"{principal.Name} ({mode}): GET {required} with A's ids did not succeed; succeeded: {string.Join(", ", succeeded)}");
                    }
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    /// <summary>Positive control for the bodies: each one the sweep sends binds to its request type and passes validation.</summary>
    [Fact]
    public void Every_sweep_body_binds_to_its_request_type_and_passes_validation()
    {
        var options = world.App.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var checkedTypes = new HashSet<Type>();
        foreach (var route in world.Routes().Where(r => r.BodyType is not null))
        {
            var json = world.BodyFor(route, world.BTargets);
            var request = JsonSerializer.Deserialize(json, route.BodyType!, options);
            Assert.NotNull(request);
            if (request is IValidatedRequest validated)
            {
                var errors = new ValidationErrors();
                validated.Validate(errors);
                Assert.True(errors.IsEmpty, $"{route}: {json} is invalid: {JsonSerializer.Serialize(errors.ToDictionary())}");
            }

            checkedTypes.Add(route.BodyType!);
        }

        Assert.True(checkedTypes.Count >= 15, $"Only {checkedTypes.Count} request types found: {string.Join(", ", checkedTypes.Select(t => t.Name))}");
    }

    private async Task<int> SweepAsync(HttpClient client, string principal, Targets targets, List<string> violations)
    {
        var calls = 0;
        foreach (var route in world.Routes())
        {
            var (status, body) = await CallAsync(client, route, targets);
            calls++;
            var code = (int)status;
            if (route.IsTenantRoute && code is not (403 or 404))
            {
                violations.Add($"{principal}: {route.Method} {route.Template} with B's ids answered {code}, not 403/404: {Snippet(body)}");
            }
            else if (code >= 500)
            {
                violations.Add($"{principal}: {route.Method} {route.Template} with B's ids answered {code}: {Snippet(body)}");
            }

            violations.AddRange(world.Leaks(body).Select(leak => $"{principal}: {route.Method} {route.Template} ({code}) mentions B's {leak}: {Snippet(body)}"));
        }

        return calls;
    }

    private async Task<(HttpStatusCode Status, string Body)> CallAsync(HttpClient client, MatrixRoute route, Targets targets)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), IsolationMatrixFixture.UrlFor(route, targets));
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(world.BodyFor(route, targets), Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertTenantBUnchangedAsync()
    {
        Assert.Equal(world.BSnapshotBefore, await world.SnapshotOfBAsync());

        var b1 = await world.App.InPlatformAsync(db => db.Tenants.AsNoTracking().SingleAsync(t => t.Id == world.B1));
        Assert.Equal(TenantStatus.Active, b1.Status);
        Assert.Equal(IsolationMatrixFixture.B1Name, b1.Name);
        Assert.Equal(2, await world.App.InPlatformAsync(db => db.Memberships.CountAsync(m => m.TenantId == world.B1)));
        var (token, invitation, chain) = await world.App.InTenantAsync(world.B1, async services =>
        {
            var db = services.GetRequiredService<TenantraDbContext>();
            return (await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == world.BTokenId),
                await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == world.BInvitationId),
                await AuditVerification.VerifyAsync(db, world.B1, CancellationToken.None));
        });
        Assert.Null(token.RevokedAt);
        Assert.True(invitation.IsOpenAt(DateTimeOffset.UtcNow), "B1's invitation is no longer open.");
        Assert.True(chain.IsValid, chain.Problem);

        using var bClient = world.App.CreateTokenClient(world.BTokenSecret);
        var stillWorks = await bClient.GetAsync($"/api/v1/tenants/{world.B1}/");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    private static void AssertNoViolations(List<string> violations, int calls)
    {
        Assert.True(calls > MinimumEndpoints * 7, $"Only {calls} calls made.");
        Assert.True(violations.Count == 0, $"{violations.Count} isolation violations in {calls} calls:{Environment.NewLine}{string.Join(Environment.NewLine, violations.Take(60))}");
    }

    private static string Snippet(string body) => body.Length <= 240 ? body : body[..240] + "…";
}

/// <summary>One method of one route endpoint.</summary>
public sealed record MatrixRoute(string Method, RouteEndpoint Endpoint)
{
    public string Template => Endpoint.RoutePattern.RawText!;

    public bool IsTenantRoute => Endpoint.RoutePattern.Parameters.Any(p => p.Name is "tenantId" or "mspId");

    public Type? BodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>The ids a sweep puts in routes, queries and bodies.</summary>
public sealed record Targets(Guid TenantId, Guid MspId, Guid UserId, Guid MembershipId, Guid InvitationId, Guid TokenId, string Email);

/// <summary>A tenant-A principal of the matrix, with an API token (all scopes) in its membership's tenant.</summary>
public sealed record MatrixPrincipal(string Name, TestUser User, string Token);

/// <summary>
/// The world of the matrix, built once: platform; MSP A with customers A1 and A2; MSP B with
/// customer B1, where B has a user, a membership, an invitation, an API token, a feature
/// override and audit records, all made through the API by B's own admins.
/// </summary>
public sealed partial class IsolationMatrixFixture : IAsyncLifetime
{
    public const string B1Name = "Bravo One";
    public const string MspBName = "MSP Bravo";
    private const string BInviteeEmail = "invitee@bravo.example";
    private const string BSecondEmail = "second@bravo.example";

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private readonly List<(string What, string Value)> _bSecrets = [];
    private List<MatrixRoute>? _routes;
    private JsonSerializerOptions _json = null!;

    public TenantraTestApp App { get; private set; } = null!;

    public Guid MspA { get; private set; }

    public Guid A1 { get; private set; }

    public Guid MspB { get; private set; }

    public Guid B1 { get; private set; }

    public Guid BInvitationId { get; private set; }

    public Guid BTokenId { get; private set; }

    public string BTokenSecret { get; private set; } = "";

    public Targets BTargets { get; private set; } = null!;

    public IReadOnlyList<MatrixPrincipal> Principals { get; private set; } = [];

    public string BSnapshotBefore { get; private set; } = "";

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        _json = App.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var data = new TestData(App);
        MspA = await data.TenantAsync(TenantKind.Msp, name: "MSP Alpha");
        A1 = await data.TenantAsync(TenantKind.Customer, MspA, "Alpha One");
        await data.TenantAsync(TenantKind.Customer, MspA, "Alpha Two");
        MspB = await data.TenantAsync(TenantKind.Msp, name: MspBName);
        B1 = await data.TenantAsync(TenantKind.Customer, MspB, B1Name);

        var principals = new List<MatrixPrincipal>();
        foreach (var role in Enum.GetValues<Role>())
        {
            principals.Add(await PrincipalAsync(data, $"A1 {role.ToString().ToLowerInvariant()}", await data.UserAsync(A1, role)));
        }

        principals.Add(await PrincipalAsync(data, "MSP-A admin (all customers)", await data.UserAsync(MspA, Role.Admin)));
        principals.Add(await PrincipalAsync(data, "MSP-A technician (admin, A1 only)", await data.UserAsync(MspA, Role.Admin, CustomerScope.SelectedCustomers, A1)));
        Principals = principals;

        await BuildTenantBAsync(data);
        BSnapshotBefore = await SnapshotOfBAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>Every method of every route endpoint; signing out comes last so the session lasts the sweep.</summary>
    public IReadOnlyList<MatrixRoute> Routes() => _routes ??= [.. App.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get]).Select(m => new MatrixRoute(m, e)))
        .OrderBy(r => r.Template.EndsWith("/sign-out", StringComparison.Ordinal))
        .ThenBy(r => r.Template, StringComparer.Ordinal)
        .ThenBy(r => r.Method, StringComparer.Ordinal)];

    /// <summary>Tenant A's own ids for a principal: its customer A1, its MSP, itself.</summary>
    public Targets ATargets(MatrixPrincipal principal) =>
        new(A1, MspA, principal.User.Id, principal.User.MembershipId, Guid.NewGuid(), Guid.NewGuid(), principal.User.Email);

    public static string UrlFor(MatrixRoute route, Targets targets)
    {
        var path = RouteParameter().Replace(route.Template, match => match.Groups["name"].Value switch
        {
            "tenantId" => targets.TenantId.ToString(),
            "mspId" => targets.MspId.ToString(),
            "userId" => targets.UserId.ToString(),
            "membershipId" => targets.MembershipId.ToString(),
            "invitationId" => targets.InvitationId.ToString(),
            "tokenId" => targets.TokenId.ToString(),
            "key" => "audit",
            var name => throw new InvalidOperationException($"{route} has the route parameter {{{name}}}; teach the isolation matrix which of B's ids goes there."),
        });
        return $"{path}?tenantId={targets.TenantId}&mspId={targets.MspId}&userId={targets.UserId}&actorUserId={targets.UserId}";
    }

    /// <summary>
    /// The route's request type filled field by field (B's ids and email wherever one fits, valid
    /// values elsewhere); routes without a body get B's ids under every name a body could use.
    /// </summary>
    public string BodyFor(MatrixRoute route, Targets targets)
    {
        if (route.BodyType is not { } type)
        {
            return JsonSerializer.Serialize(new
            {
                tenantId = targets.TenantId,
                mspId = targets.MspId,
                customerIds = new[] { targets.TenantId },
                userId = targets.UserId,
                membershipId = targets.MembershipId,
                invitationId = targets.InvitationId,
                tokenId = targets.TokenId,
                email = targets.Email,
            });
        }

        var body = new Dictionary<string, object?>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            body[_json.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name] = BodyValue(type, property, targets);
        }

        return JsonSerializer.Serialize(body, _json);
    }

    /// <summary>What of B's a response body mentions: ids, emails, names.</summary>
    public IEnumerable<string> Leaks(string body) =>
        _bSecrets.Where(s => body.Contains(s.Value, StringComparison.OrdinalIgnoreCase)).Select(s => $"{s.What} ({s.Value})");

    /// <summary>B's directory rows, tokens, invitations and feature flags, as text to compare.</summary>
    public async Task<string> SnapshotOfBAsync()
    {
        Guid[] bTenants = [MspB, B1];
        var directory = await App.InPlatformAsync(async db =>
        {
            var users = await db.Users.AsNoTracking().Where(u => bTenants.Contains(u.HomeTenantId)).OrderBy(u => u.Id)
                .Select(u => new { u.Id, u.Email, u.DisplayName, u.HomeTenantId, u.Disabled, u.TwoFactorEnabled, u.PasswordHash, u.SecurityStamp })
                .ToListAsync();
            var userIds = users.Select(u => u.Id).ToList();
            var memberships = await db.Memberships.AsNoTracking()
                .Where(m => bTenants.Contains(m.TenantId) || userIds.Contains(m.UserId)).OrderBy(m => m.Id)
                .Select(m => new { m.Id, m.TenantId, m.UserId, m.Role, m.CustomerScope, Customers = m.Customers.Select(c => c.CustomerTenantId).OrderBy(c => c).ToList() })
                .ToListAsync();
            var tenants = await db.Tenants.AsNoTracking().Where(t => bTenants.Contains(t.Id) || t.ParentId == MspB).OrderBy(t => t.Id)
                .Select(t => new { t.Id, t.ParentId, t.Name, t.Status, t.TimeZone, t.DeletedAt, t.SuspendedAt })
                .ToListAsync();
            return new { tenants, users, memberships };
        });
        var scoped = new List<object>();
        foreach (var tenantId in bTenants)
        {
            scoped.Add(await App.InTenantAsync(tenantId, async services =>
            {
                var db = services.GetRequiredService<TenantraDbContext>();
                return new
                {
                    tenantId,
                    tokens = await db.ApiTokens.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.UserId, t.Name, t.Scopes, t.ExpiresAt, t.RevokedAt }).ToListAsync(),
                    invitations = await db.Invitations.AsNoTracking().OrderBy(i => i.Id).Select(i => new { i.Id, i.Email, i.Role, i.ExpiresAt, i.AcceptedAt, i.RevokedAt }).ToListAsync(),
                    features = await db.FeatureOverrides.AsNoTracking().OrderBy(f => f.FeatureKey).Select(f => new { f.FeatureKey, f.Enabled }).ToListAsync(),
                };
            }));
        }

        return JsonSerializer.Serialize(new { directory, scoped }, s_indented);
    }

    private static async Task<MatrixPrincipal> PrincipalAsync(TestData data, string name, TestUser user) =>
        new(name, user, await data.TokenAsync(user, user.TenantId));

    /// <summary>B's objects, made through the API by B1's admin and MSP B's admin, so every id is real.</summary>
    private async Task BuildTenantBAsync(TestData data)
    {
        var bAdmin = await data.UserAsync(B1, Role.Admin);
        var bMspAdmin = await data.UserAsync(MspB, Role.Admin);
        using var admin = await App.SignInAsync(bAdmin.Email);
        var invitation = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/invitations", new { email = BInviteeEmail, role = "viewer" }));
        BInvitationId = invitation.GetProperty("invitation").GetProperty("id").GetGuid();
        var token = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/api-tokens", new { name = "Bravo sync", scopes = new[] { "tenant:read", "users:read" } }));
        BTokenId = token.GetProperty("apiToken").GetProperty("id").GetGuid();
        BTokenSecret = token.GetProperty("token").GetString()!;
        var second = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/users",
            new { email = BSecondEmail, displayName = "Bravo Second", role = "viewer", password = "a long enough password" }));
        var secondId = second.GetProperty("user").GetProperty("id").GetGuid();
        using var mspAdmin = await App.SignInAsync(bMspAdmin.Email);
        await ReadAsync(await mspAdmin.PutAsJsonAsync($"/api/v1/tenants/{B1}/features/audit", new { enabled = false }));

        BTargets = new Targets(B1, MspB, bAdmin.Id, bAdmin.MembershipId, BInvitationId, BTokenId, bAdmin.Email);
        _bSecrets.AddRange(
        [
            ("MSP id", MspB.ToString()), ("customer id", B1.ToString()), ("admin user id", bAdmin.Id.ToString()),
            ("admin membership id", bAdmin.MembershipId.ToString()), ("MSP admin user id", bMspAdmin.Id.ToString()),
            ("MSP admin membership id", bMspAdmin.MembershipId.ToString()), ("second user id", secondId.ToString()),
            ("invitation id", BInvitationId.ToString()), ("API token id", BTokenId.ToString()), ("API token prefix", BTokenSecret[..10]),
            ("admin email", bAdmin.Email), ("MSP admin email", bMspAdmin.Email), ("second user email", BSecondEmail),
            ("invitee email", BInviteeEmail), ("customer name", B1Name), ("MSP name", MspBName),
        ]);
        foreach (var tenantId in new[] { MspB, B1 })
        {
            var records = await App.InTenantAsync(tenantId, services => services.GetRequiredService<TenantraDbContext>().AuditRecords.AsNoTracking().Select(r => r.Id).ToListAsync());
            Assert.NotEmpty(records);
            _bSecrets.AddRange(records.Select(id => ("audit record id", id.ToString())));
        }
    }

    private static object? BodyValue(Type type, PropertyInfo property, Targets targets)
    {
        var value = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var name = property.Name;
        if (value == typeof(Guid))
        {
            return name switch
            {
                "UserId" or "ActorUserId" => targets.UserId,
                "MspId" => targets.MspId,
                "MembershipId" => targets.MembershipId,
                "InvitationId" => targets.InvitationId,
                "TokenId" => targets.TokenId,
                _ => targets.TenantId,
            };
        }

        if (value == typeof(string))
        {
            return name switch
            {
                "Email" => targets.Email,
                "Password" or "NewPassword" => "another long enough password",
                "CurrentPassword" => "not the current password",
                "Code" => "not-a-code",
                "RecoveryCode" => null,
                "Token" => $"inv_{targets.InvitationId:N}",
                "TimeZone" => "UTC",
                "Name" or "DisplayName" => "Isolation probe",
                _ => targets.TenantId.ToString(),
            };
        }

        if (value == typeof(Role))
        {
            return Role.Viewer;
        }

        if (value == typeof(CustomerScope))
        {
            return CustomerScope.SelectedCustomers;
        }

        if (value == typeof(bool))
        {
            return true;
        }

        if (value == typeof(int))
        {
            return 7;
        }

        if (typeof(IEnumerable<Guid>).IsAssignableFrom(value))
        {
            return new[] { targets.TenantId };
        }

        if (typeof(IEnumerable<string>).IsAssignableFrom(value))
        {
            return name == "Scopes" ? new[] { "tenant:read" } : new[] { targets.TenantId.ToString() };
        }

        throw new InvalidOperationException($"{type.Name}.{name} is a {value.Name}; teach the isolation matrix what to send there.");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
