using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Agents;
using Tenantra.Server.Audit;
using Tenantra.Server.Notifications;
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
/// <remarks>
/// <para>
/// The agent API (<c>/api/v1/agent/*</c>) stays in the sweep. It answers signed agents only (and
/// enrollment, a valid enrollment token), never a session or an API token, so there every call must
/// be a 401: the sweep sends the caller's session or token together with B's agent id in the agent
/// header, signed with the key of one of A's own agents, and for enrollment a made-up token with
/// B's machine id. <see cref="An_agent_of_A_gets_through_the_agent_routes_with_the_same_bodies"/>
/// shows the same bodies pass when a real agent of A sends them.
/// </para>
/// <para>
/// With B's tenant in the path the tenant gate refuses before any of B's object ids is looked at;
/// <see cref="Callers_of_A_naming_Bs_objects_under_their_own_tenant_get_nothing_of_B"/> puts A's own
/// tenant there instead, so B's objects must be refused by the handlers themselves.
/// </para>
/// </remarks>
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
            "GET /api/v1/tenants/{tenantId:guid}/assets/{assetId:guid}/state/{category}", "POST /api/v1/tenants/{tenantId:guid}/assets/{assetId:guid}/revoke",
            "DELETE /api/v1/tenants/{tenantId:guid}/enrollment-tokens/{tokenId:guid}", "PUT /api/v1/tenants/{tenantId:guid}/collection-policy/",
            "POST /api/v1/agent/enroll", "POST /api/v1/agent/heartbeat", "POST /api/v1/agent/snapshots", "POST /api/v1/agent/rotate-key",
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

                foreach (var required in RequiredReads(principal))
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

    /// <summary>
    /// Past the tenant gate: A's own tenant in the path, B's objects (user, membership, invitation,
    /// API token, enrollment token, asset, asset group) in the path, the query and the body. Only
    /// routes that cannot change A's own data are called: reads (which must not fail), routes that
    /// name one object (which must answer 403/404, the object being B's) and routes whose body names
    /// an asset group (which must refuse B's group).
    /// </summary>
    [Fact]
    public async Task Callers_of_A_naming_Bs_objects_under_their_own_tenant_get_nothing_of_B()
    {
        var targets = world.BTargets with { TenantId = world.A1, MspId = world.MspA };
        var routes = world.Routes().Where(r => r.Method == HttpMethods.Get || r.NamesAnObject || r.TakesAnAssetGroup).ToList();
        Assert.Contains(routes, r => r.Method == HttpMethods.Delete && r.Template.EndsWith("/enrollment-tokens/{tokenId:guid}", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Method == HttpMethods.Put && r.Template.EndsWith("/collection-policy/", StringComparison.Ordinal));
        var violations = new List<string>();
        var calls = 0;
        foreach (var principal in world.Principals)
        {
            foreach (var (mode, client) in new[]
            {
                ("session", await world.App.SignInAsync(principal.User.Email)),
                ("token", world.App.CreateTokenClient(principal.Token)),
            })
            {
                using var owned = client;
                foreach (var route in routes)
                {
                    var (status, body) = await CallAsync(client, route, targets);
                    calls++;
                    var code = (int)status;
                    var who = $"{principal.Name} ({mode}): {route.Method} {route.Template} with A's tenant and B's objects";
                    if (route.IsTenantRoute && route.NamesAnObject && code is not (403 or 404))
                    {
                        violations.Add($"{who} answered {code}, not 403/404: {Snippet(body)}");
                    }
                    else if (route.TakesAnAssetGroup && code is not (>= 400 and < 500))
                    {
                        violations.Add($"{who} answered {code}, not a refusal of B's asset group: {Snippet(body)}");
                    }
                    else if (code >= 500)
                    {
                        violations.Add($"{who} answered {code}: {Snippet(body)}");
                    }

                    violations.AddRange(world.Leaks(body).Select(leak => $"{who} ({code}) mentions B's {leak}: {Snippet(body)}"));
                }
            }
        }

        Assert.True(violations.Count == 0, $"{violations.Count} isolation violations in {calls} calls:{Environment.NewLine}{string.Join(Environment.NewLine, violations.Take(60))}");
        await AssertTenantBUnchangedAsync();
    }

    /// <summary>An asset can only join a group of its own tenant: A's admin cannot move A's asset into B's group.</summary>
    [Fact]
    public async Task An_asset_of_A_cannot_be_put_into_a_group_of_B()
    {
        var admin = world.Principals.First(p => p.User.TenantId == world.A1 && p.User.Role == Role.Admin);
        using var client = await world.App.SignInAsync(admin.User.Email);
        var asset = world.ATargets(admin).AssetId;

        await client.PatchAsJsonAsync($"/api/v1/tenants/{world.A1}/assets/{asset}", new { groupId = world.BTargets.GroupId }).FieldErrorAsync("groupId");

        var groupId = await world.App.InTenantAsync(world.A1, services =>
            services.GetRequiredService<TenantraDbContext>().Assets.AsNoTracking().Where(a => a.Id == asset).Select(a => a.GroupId).SingleAsync());
        Assert.Equal(world.ATargets(admin).GroupId, groupId);
        await AssertTenantBUnchangedAsync();
    }

    /// <summary>
    /// Positive control for the agent routes: the bodies the sweep sends, with A's own values and
    /// signed by an agent of A (enrolled with A's real token), get through; so the 401s the sweep
    /// expects there are about the caller, not the request.
    /// </summary>
    [Fact]
    public async Task An_agent_of_A_gets_through_the_agent_routes_with_the_same_bodies()
    {
        var targets = world.ATargets(world.Principals[0]);
        var routes = world.Routes().Where(r => r.IsAgentRoute).ToList();
        var enroll = Assert.Single(routes, r => r.Template == "/api/v1/agent/enroll");
        Assert.Equal(4, routes.Count);

        using var anonymous = world.App.CreateClient();
        var (enrollStatus, enrolled) = await CallAsync(anonymous, enroll, targets, forgeAgentSignature: false);
        Assert.True(enrollStatus == HttpStatusCode.OK, $"{enroll} with A's token answered {(int)enrollStatus}: {enrolled}");
        var agentId = JsonDocument.Parse(enrolled).RootElement.GetProperty("agentId").GetGuid();
        var key = world.EnrollProbeKey;
        using var agent = new HttpClient(new SigningHandler(agentId, () => key, TimeProvider.System) { InnerHandler = world.App.Server.CreateHandler() })
        {
            BaseAddress = world.App.Server.BaseAddress,
        };
        foreach (var route in routes.Where(r => r != enroll))
        {
            var (status, body) = await CallAsync(agent, route, targets, forgeAgentSignature: false);
            Assert.True((int)status is >= 200 and < 300, $"{route} signed by A's agent answered {(int)status}: {body}");
            if (route.Template.EndsWith("/rotate-key", StringComparison.Ordinal))
            {
                key = world.RotatedProbeKey;
            }
        }
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
            else if (route.IsAgentRoute && code != 401)
            {
                violations.Add($"{principal}: {route.Method} {route.Template} as B's agent answered {code}, not 401: {Snippet(body)}");
            }
            else if (code >= 500)
            {
                violations.Add($"{principal}: {route.Method} {route.Template} with B's ids answered {code}: {Snippet(body)}");
            }

            violations.AddRange(world.Leaks(body).Select(leak => $"{principal}: {route.Method} {route.Template} ({code}) mentions B's {leak}: {Snippet(body)}"));
        }

        return calls;
    }

    /// <summary>
    /// Sends the route's request with <paramref name="targets"/>; on agent routes it also claims to
    /// be the targets' agent, signed with the key of one of A's agents (unless the client signs itself).
    /// </summary>
    private async Task<(HttpStatusCode Status, string Body)> CallAsync(HttpClient client, MatrixRoute route, Targets targets, bool forgeAgentSignature = true)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), IsolationMatrixFixture.UrlFor(route, targets));
        byte[] body = [];
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            body = world.BodyBytesFor(route, targets);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(route.AcceptsGzip ? "application/gzip" : "application/json");
        }

        if (route.IsAgentRoute && forgeAgentSignature)
        {
            var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var nonce = AgentRequestSignature.NewNonce();
            request.Headers.Add(AgentRequestSignature.AgentHeader, targets.AssetId.ToString());
            request.Headers.Add(AgentRequestSignature.TimestampHeader, seconds.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(AgentRequestSignature.NonceHeader, nonce);
            request.Headers.Add(AgentRequestSignature.SignatureHeader,
                AgentRequestSignature.Sign(world.AAgentKey, route.Method, request.RequestUri!.OriginalString, seconds, nonce, body));
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The reads every principal must get through with A's ids: asset reads only where its role grants them.</summary>
    private static string[] RequiredReads(MatrixPrincipal principal)
    {
        string[] always = ["/api/v1/tenants/{tenantId:guid}/", "/api/v1/features", "/api/v1/auth/me"];
        string[] assets =
        [
            "/api/v1/tenants/{tenantId:guid}/assets/", "/api/v1/tenants/{tenantId:guid}/assets/{assetId:guid}",
            "/api/v1/tenants/{tenantId:guid}/assets/{assetId:guid}/state/{category}", "/api/v1/tenants/{tenantId:guid}/asset-groups/",
            "/api/v1/tenants/{tenantId:guid}/collection-policy/",
        ];
        return Permissions.ForRole(principal.User.Role).Contains(Permission.AssetsRead) ? [.. always, .. assets] : always;
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
                await services.GetRequiredService<AuditVerification>().VerifyAsync(world.B1));
        });
        Assert.Null(token.RevokedAt);
        Assert.True(invitation.IsOpenAt(DateTimeOffset.UtcNow), "B1's invitation is no longer open.");
        Assert.True(chain.IsValid, chain.Problem);

        using var bClient = world.App.CreateTokenClient(world.BTokenSecret);
        var stillWorks = await bClient.GetAsync($"/api/v1/tenants/{world.B1}/");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        var agentStillWorks = await world.BAgents.Agent.HeartbeatAsync(IsolationMatrixFixture.HeartbeatOf(world.BAgents.Hostname));
        Assert.Equal(HttpStatusCode.OK, agentStillWorks.StatusCode);
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

    /// <summary>The agent API: for enrolled agents' signed requests (and enrollment with a token), never for a session or an API token.</summary>
    public bool IsAgentRoute => Template.StartsWith("/api/v1/agent/", StringComparison.Ordinal);

    /// <summary>Names one object of its tenant in the path (a user, a membership, an invitation, a token, an asset).</summary>
    public bool NamesAnObject => Endpoint.RoutePattern.Parameters.Any(p => p.Name is "userId" or "membershipId" or "invitationId" or "tokenId" or "assetId" or "exportId" or "endpointId" or "deliveryId" or "eventId");

    /// <summary>Its body names an asset group, which must be one of the route's tenant.</summary>
    public bool TakesAnAssetGroup => BodyType?.GetProperty("GroupId") is not null || BodyType?.GetProperty("AssetGroupId") is not null;

    /// <summary>Takes a gzip-compressed JSON body (snapshot uploads).</summary>
    public bool AcceptsGzip => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("application/gzip") == true;

    public Type? BodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>
/// The ids a sweep puts in routes, queries and bodies. <see cref="EnrollmentToken"/> and
/// <see cref="MachineId"/> are what an enrollment would send: for B a made-up token (A's callers do
/// not know B's secret) with B's machine; for A its real token with a new machine.
/// </summary>
public sealed record Targets(
    Guid TenantId, Guid MspId, Guid UserId, Guid MembershipId, Guid InvitationId, Guid TokenId, string Email,
    Guid AssetId, Guid GroupId, Guid EnrollmentTokenId, string EnrollmentToken, string MachineId, Guid ExportId,
    Guid EndpointId, Guid DeliveryId, Guid EventId, Guid IntegrityEventId, Guid SuppressionId, Guid GoldenBaselineId);

/// <summary>
/// A tenant's agent data, made through the API and a real agent: an asset group, an enrollment
/// token into it, and an agent enrolled with it that has checked in, uploaded a snapshot, been
/// tagged, and whose group has a collection policy.
/// </summary>
public sealed record AgentData(
    Guid GroupId, string GroupName, Guid EnrollmentTokenId, string EnrollmentToken, string EnrollmentTokenLabel,
    TestAgent Agent, string MachineId, string Hostname, string Tag, Snapshot Snapshot);

/// <summary>A tenant-A principal of the matrix, with an API token (all scopes) in its membership's tenant.</summary>
public sealed record MatrixPrincipal(string Name, TestUser User, string Token);

/// <summary>
/// The world of the matrix, built once: platform; MSP A with customers A1 and A2; MSP B with
/// customer B1, where B has a user, a membership, an invitation, an API token, a feature
/// override, agent data (<see cref="AgentData"/>) and audit records, all made through the API by
/// B's own admins and B's own agent. A1 has agent data of its own, for the positive controls.
/// </summary>
public sealed partial class IsolationMatrixFixture : IAsyncLifetime
{
    public const string B1Name = "Bravo One";
    public const string MspBName = "MSP Bravo";
    private const string BInviteeEmail = "invitee@bravo.example";
    private const string BSecondEmail = "second@bravo.example";
    private const string ANewMachineId = "alpha-machine-0002";
    private const string BEndpointName = "Bravo SIEM hook";
    private const string BEventTitle = "Bravo test alert";
    private const string BRuleKey = "bravo-payroll-units";
    private const string BSuppressionPattern = "bravo-noise-*";
    private const string BIntegrityComment = "Bravo looked at this";

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

    public Guid BExportId { get; private set; }

    public Guid BTokenId { get; private set; }

    public string BTokenSecret { get; private set; } = "";

    public Targets BTargets { get; private set; } = null!;

    public IReadOnlyList<MatrixPrincipal> Principals { get; private set; } = [];

    public AgentData AAgents { get; private set; } = null!;

    public AgentData BAgents { get; private set; } = null!;

    /// <summary>Key of one of A's agents: what an insider of A could sign with.</summary>
    public ECDsa AAgentKey => AAgents.Agent.Key;

    /// <summary>The key whose public half the sweep's enrollment bodies carry.</summary>
    public ECDsa EnrollProbeKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The key whose public half the sweep's key-rotation bodies carry.</summary>
    public ECDsa RotatedProbeKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

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
        using (var aAdmin = await App.SignInAsync((await data.UserAsync(A1, Role.Admin)).Email))
        {
            AAgents = await SeedAgentsAsync(aAdmin, A1, "alpha");
        }

        await BuildTenantBAsync(data);
        BSnapshotBefore = await SnapshotOfBAsync();
    }

    public async Task DisposeAsync()
    {
        AAgents.Agent.Dispose();
        BAgents.Agent.Dispose();
        EnrollProbeKey.Dispose();
        RotatedProbeKey.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>Every method of every route endpoint; signing out comes last so the session lasts the sweep.</summary>
    public IReadOnlyList<MatrixRoute> Routes() => _routes ??= [.. App.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get]).Select(m => new MatrixRoute(m, e)))
        .OrderBy(r => r.Template.EndsWith("/sign-out", StringComparison.Ordinal))
        .ThenBy(r => r.Template, StringComparer.Ordinal)
        .ThenBy(r => r.Method, StringComparer.Ordinal)];

    /// <summary>Tenant A's own ids for a principal: its customer A1, its MSP, itself, A1's agent data.</summary>
    public Targets ATargets(MatrixPrincipal principal) =>
        new(A1, MspA, principal.User.Id, principal.User.MembershipId, Guid.NewGuid(), Guid.NewGuid(), principal.User.Email,
            AAgents.Agent.AgentId, AAgents.GroupId, AAgents.EnrollmentTokenId, AAgents.EnrollmentToken, ANewMachineId, Guid.NewGuid(),
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

    /// <summary>A check-in as the seeding agents send it (sending it again changes nothing but the time last seen).</summary>
    public static HeartbeatRequest HeartbeatOf(string hostname) => new("0.1.0", hostname, "linux", "Debian 12", 3600, ["10.0.0.5"], 0);

    public static string UrlFor(MatrixRoute route, Targets targets)
    {
        var path = RouteParameter().Replace(route.Template, match => match.Groups["name"].Value switch
        {
            "tenantId" => targets.TenantId.ToString(),
            "mspId" => targets.MspId.ToString(),
            "userId" => targets.UserId.ToString(),
            "membershipId" => targets.MembershipId.ToString(),
            "invitationId" => targets.InvitationId.ToString(),
            "tokenId" when route.Template.Contains("/enrollment-tokens/", StringComparison.Ordinal) => targets.EnrollmentTokenId.ToString(),
            "tokenId" => targets.TokenId.ToString(),
            "assetId" => targets.AssetId.ToString(),
            "exportId" => targets.ExportId.ToString(),
            "endpointId" => targets.EndpointId.ToString(),
            "deliveryId" => targets.DeliveryId.ToString(),
            "eventId" => targets.EventId.ToString(),
            "integrityEventId" => targets.IntegrityEventId.ToString(),
            "suppressionId" => targets.SuppressionId.ToString(),
            "goldenBaselineId" => targets.GoldenBaselineId.ToString(),
            "ruleKey" => BRuleKey,
            // Sequences are per chain: A's record 1 is A's own, B's is reached only through B's tenant id.
            "sequence" or "firstSequence" => "1",
            "key" => "audit",
            "category" => SnapshotCategories.Services,
            var name => throw new InvalidOperationException($"{route} has the route parameter {{{name}}}; teach the isolation matrix which of B's ids goes there."),
        });
        return $"{path}?tenantId={targets.TenantId}&mspId={targets.MspId}&userId={targets.UserId}&actorUserId={targets.UserId}&groupId={targets.GroupId}";
    }

    /// <summary>The body as sent: <see cref="BodyFor"/> as UTF-8, gzip-compressed where the route takes gzip.</summary>
    public byte[] BodyBytesFor(MatrixRoute route, Targets targets)
    {
        var json = Encoding.UTF8.GetBytes(BodyFor(route, targets));
        return route.AcceptsGzip ? TestAgent.Gzip(json) : json;
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
                assetId = targets.AssetId,
                groupId = targets.GroupId,
                assetGroupId = targets.GroupId,
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

    /// <summary>
    /// B's directory rows, tokens, invitations, feature flags and agent data, as text to compare.
    /// Left out: when B's agent was last seen and its nonces, which its own check-ins change.
    /// </summary>
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
                    groups = await db.AssetGroups.AsNoTracking().OrderBy(g => g.Id).Select(g => new { g.Id, g.Name }).ToListAsync(),
                    enrollmentTokens = await db.EnrollmentTokens.AsNoTracking().OrderBy(t => t.Id)
                        .Select(t => new { t.Id, t.Label, t.Prefix, t.SecretHash, t.ExpiresAt, t.MaxUses, t.Uses, t.AssetGroupId, t.RevokedAt }).ToListAsync(),
                    assets = await db.Assets.AsNoTracking().OrderBy(a => a.Id)
                        .Select(a => new { a.Id, a.AgentLookup, a.MachineId, a.Hostname, a.Os, a.OsVersion, a.AgentVersion, a.PublicKey, a.KeySetAt, a.GroupId, a.Tags, a.Addresses, a.RevokedAt })
                        .ToListAsync(),
                    snapshots = await db.Snapshots.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, s.AssetId, s.Category, s.CollectedAt, s.ContentHash, s.EntryCount }).ToListAsync(),
                    states = await db.AssetStates.AsNoTracking().OrderBy(s => s.AssetId).ThenBy(s => s.Category)
                        .Select(s => new { s.AssetId, s.Category, s.SnapshotId, s.ContentHash, s.EntriesJson }).ToListAsync(),
                    intervals = await db.CollectionIntervals.AsNoTracking().OrderBy(c => c.GroupId).ThenBy(c => c.Category).Select(c => new { c.GroupId, c.Category, c.Seconds }).ToListAsync(),
                    notificationRules = await db.NotificationRules.AsNoTracking().OrderBy(r => r.UserId).ThenBy(r => r.EventType)
                        .Select(r => new { r.UserId, r.EventType, r.Channels, r.MinSeverity }).ToListAsync(),
                    notificationSchedules = await db.NotificationSchedules.AsNoTracking().OrderBy(s => s.UserId)
                        .Select(s => new { s.UserId, s.Digest, s.QuietHoursStart, s.QuietHoursEnd, s.CriticalBypassesQuietHours, s.ThrottleMinutes }).ToListAsync(),
                    notificationEndpoints = await db.NotificationEndpoints.AsNoTracking().OrderBy(e => e.Id)
                        .Select(e => new { e.Id, e.Name, e.ProtectedUrl, e.ProtectedSecret, e.ProtectedPreviousSecret, e.EventTypes, e.MinSeverity, e.Enabled }).ToListAsync(),
                    notificationEvents = await db.NotificationEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Id, e.Type, e.Title, e.RoutedAt }).ToListAsync(),
                    notificationDeliveries = await db.NotificationDeliveries.AsNoTracking().OrderBy(d => d.Id)
                        .Select(d => new { d.Id, d.Status, d.ReadAt, d.FoldedCount, d.Attempts }).ToListAsync(),
                    baselines = await db.IntegrityBaselines.AsNoTracking().OrderBy(b => b.Id)
                        .Select(b => new { b.Id, b.Scope, b.Category, b.FollowsGolden, b.EntriesJson, b.ExcludedJson, b.Revision, b.Comment }).ToListAsync(),
                    integrityEvents = await db.IntegrityEvents.AsNoTracking().OrderBy(e => e.Id)
                        .Select(e => new { e.Id, e.Status, e.Resolution, e.AssigneeId, e.Severity, e.Fingerprint }).ToListAsync(),
                    integrityComments = await db.IntegrityEventComments.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.Text }).ToListAsync(),
                    suppressions = await db.IntegritySuppressions.AsNoTracking().OrderBy(x => x.Id).Select(x => new { x.Id, x.KeyPattern }).ToListAsync(),
                    integrityRules = await db.IntegrityRules.AsNoTracking().OrderBy(r => r.Key).Select(r => new { r.Key, r.Severity, r.Enabled, r.MatchJson }).ToListAsync(),
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
        BAgents = await SeedAgentsAsync(admin, B1, "bravo");
        var export = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/exports", new { dataset = "audit-records", format = "csv" }));
        BExportId = export.GetProperty("id").GetGuid();
        var (endpointId, eventId, deliveryId) = await SeedNotificationsAsync(admin, bAdmin);
        var (integrityEventId, suppressionId, goldenId) = await SeedIntegrityAsync(admin);

        BTargets = new Targets(B1, MspB, bAdmin.Id, bAdmin.MembershipId, BInvitationId, BTokenId, bAdmin.Email,
            BAgents.Agent.AgentId, BAgents.GroupId, BAgents.EnrollmentTokenId, $"{EnrollmentTokenEndpoints.TokenPrefix}{BAgents.EnrollmentTokenId:N}", BAgents.MachineId,
            BExportId, endpointId, deliveryId, eventId, integrityEventId, suppressionId, goldenId);
        _bSecrets.AddRange(
        [
            ("MSP id", MspB.ToString()), ("customer id", B1.ToString()), ("admin user id", bAdmin.Id.ToString()),
            ("admin membership id", bAdmin.MembershipId.ToString()), ("MSP admin user id", bMspAdmin.Id.ToString()),
            ("MSP admin membership id", bMspAdmin.MembershipId.ToString()), ("second user id", secondId.ToString()),
            ("invitation id", BInvitationId.ToString()), ("API token id", BTokenId.ToString()), ("API token prefix", BTokenSecret[..10]),
            ("admin email", bAdmin.Email), ("MSP admin email", bMspAdmin.Email), ("second user email", BSecondEmail),
            ("invitee email", BInviteeEmail), ("customer name", B1Name), ("MSP name", MspBName),
            ("asset group id", BAgents.GroupId.ToString()), ("asset group name", BAgents.GroupName),
            ("enrollment token id", BAgents.EnrollmentTokenId.ToString()), ("enrollment token", BAgents.EnrollmentToken),
            ("enrollment token prefix", BAgents.EnrollmentToken[..12]), ("enrollment token label", BAgents.EnrollmentTokenLabel),
            ("asset id", BAgents.Agent.AgentId.ToString()), ("agent lookup", Asset.LookupFor(BAgents.Agent.AgentId)),
            ("asset public key", TestAgent.PublicKeyOf(BAgents.Agent.Key)), ("machine id", BAgents.MachineId), ("hostname", BAgents.Hostname),
            ("asset tag", BAgents.Tag), ("snapshot id", BAgents.Snapshot.SnapshotId.ToString()),
            ("notification endpoint id", endpointId.ToString()), ("notification endpoint name", BEndpointName), ("notification event id", eventId.ToString()),
            ("notification event title", BEventTitle), ("notification delivery id", deliveryId.ToString()),
            ("snapshot content hash", SnapshotContent.Hash(BAgents.Snapshot.Entries)),
            ("integrity event id", integrityEventId.ToString()), ("suppression id", suppressionId.ToString()), ("golden baseline id", goldenId.ToString()),
            ("severity rule key", BRuleKey), ("suppression pattern", BSuppressionPattern), ("integrity comment", BIntegrityComment),
            .. BAgents.Snapshot.Entries.Select(e => ("collected entry", e.Key)),
        ]);
        foreach (var tenantId in new[] { MspB, B1 })
        {
            var records = await App.InTenantAsync(tenantId, services => services.GetRequiredService<TenantraDbContext>().AuditRecords.AsNoTracking().Select(r => r.Id).ToListAsync());
            Assert.NotEmpty(records);
            _bSecrets.AddRange(records.Select(id => ("audit record id", id.ToString())));
        }

        // A segment holding B's first records (their ids are among the secrets already).
        await App.ArchiveOldestAsync(B1, records: 2);
    }


    /// <summary>
    /// B's notifications: preferences (tenant and the admin's own), a webhook endpoint, and a test event
    /// routed (by the real router; the matrix runs no workers) into the admin's inbox.
    /// </summary>
    private async Task<(Guid EndpointId, Guid EventId, Guid DeliveryId)> SeedNotificationsAsync(HttpClient admin, TestUser bAdmin)
    {
        var rules = new[] { new { eventType = "notification.test", channels = new[] { "inApp" }, minSeverity = "info" } };
        var preferences = new { rules, digest = "immediate", criticalBypassesQuietHours = true, throttleMinutes = 0 };
        await ReadAsync(await admin.PutAsJsonAsync($"/api/v1/tenants/{B1}/notifications/preferences/tenant", preferences));
        await ReadAsync(await admin.PutAsJsonAsync($"/api/v1/tenants/{B1}/notifications/preferences/me", preferences));
        var endpoint = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/notifications/endpoints",
            new { name = BEndpointName, kind = "webhook", url = "https://hooks.bravo.example/tenantra", minSeverity = "info" }));
        var published = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/notifications/test", new { severity = "high", title = BEventTitle }));
        var eventId = published.GetProperty("eventId").GetGuid();
        await App.RouteNotificationsAsync(B1);
        var deliveryId = await App.InTenantAsync(B1, services => services.GetRequiredService<TenantraDbContext>().NotificationDeliveries
            .Where(d => d.RecipientUserId == bAdmin.Id && d.Channel == NotificationChannel.InApp).Select(d => d.Id).SingleAsync());
        return (endpoint.GetProperty("endpoint").GetProperty("id").GetGuid(), eventId, deliveryId);
    }

    /// <summary>
    /// B's drift: its agent's first snapshot became the baseline, a second one added a unit (an
    /// event, which B's admin commented on); a suppression, an own severity rule and a golden
    /// baseline for its group, all through the API.
    /// </summary>
    private async Task<(Guid EventId, Guid SuppressionId, Guid GoldenId)> SeedIntegrityAsync(HttpClient admin)
    {
        await App.EvaluateDriftAsync(B1);
        var tampered = TestAgent.Snapshot(SnapshotCategories.Services, [.. BAgents.Snapshot.Entries, TestAgent.Entry("systemd-unit", "bravo-miner.service", ("ExecStart", "/tmp/bravo-miner"))]);
        await ReadAsync(await BAgents.Agent.UploadAsync(tampered));
        await App.EvaluateDriftAsync(B1);
        var events = await ReadAsync(await admin.GetAsync($"/api/v1/tenants/{B1}/integrity/events"));
        var eventId = events.GetProperty("items")[0].GetProperty("id").GetGuid();
        await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/integrity/events/{eventId}/comments", new { text = BIntegrityComment }));
        var suppression = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/integrity/suppressions", new { keyPattern = BSuppressionPattern, comment = "Bravo noise" }));
        await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/integrity/rules",
            new { key = BRuleKey, title = "Bravo payroll units", severity = "critical", match = new { kinds = new[] { "systemd-unit" }, keyPattern = "^bravo-payroll" } }));
        var golden = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{B1}/integrity/golden-baselines",
            new { groupId = BAgents.GroupId, category = SnapshotCategories.Services, assetId = BAgents.Agent.AgentId, comment = "Bravo standard build" }));
        return (eventId, suppression.GetProperty("id").GetGuid(), golden[0].GetProperty("id").GetGuid());
    }

    /// <summary>
    /// An asset group, an enrollment token into it, an agent enrolled with that token which checks in
    /// and uploads a snapshot, a tag on its asset and a collection policy for the group, all made by
    /// <paramref name="admin"/> and the agent itself.
    /// </summary>
    private async Task<AgentData> SeedAgentsAsync(HttpClient admin, Guid tenantId, string name)
    {
        var groupName = $"{name} servers";
        var group = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/asset-groups", new { name = groupName }));
        var groupId = group.GetProperty("id").GetGuid();
        var label = $"{name} rollout";
        var token = await ReadAsync(await admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/enrollment-tokens", new { label, assetGroupId = groupId }));
        var secret = token.GetProperty("token").GetString()!;
        var (machineId, hostname, tag) = ($"{name}-machine-0001", $"{name}-db-01", $"{name}-finance");
        var agent = await TestAgent.EnrollAsync(App, secret, machineId, hostname);
        await ReadAsync(await agent.HeartbeatAsync(HeartbeatOf(hostname)));
        var snapshot = TestAgent.Snapshot(SnapshotCategories.Services, TestAgent.Entry("systemd-unit", $"{name}-payroll.service", ("ExecStart", $"/opt/{name}/payroll")));
        await ReadAsync(await agent.UploadAsync(snapshot));
        await ReadAsync(await admin.PatchAsJsonAsync($"/api/v1/tenants/{tenantId}/assets/{agent.AgentId}", new { tags = new[] { tag } }));
        await ReadAsync(await admin.PutAsJsonAsync($"/api/v1/tenants/{tenantId}/collection-policy",
            new { groupId, intervalSeconds = new Dictionary<string, int> { [SnapshotCategories.Services] = 1800 } }));
        return new AgentData(groupId, groupName, token.GetProperty("enrollmentToken").GetProperty("id").GetGuid(), secret, label, agent, machineId, hostname, tag, snapshot);
    }

    private object? BodyValue(Type type, PropertyInfo property, Targets targets)
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
                "AssetId" => targets.AssetId,
                "GroupId" or "AssetGroupId" => targets.GroupId,

                // Chosen by the agent for each upload: a new one, so an accepted upload is stored, not a duplicate.
                "SnapshotId" => Guid.CreateVersion7(),
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
                "Token" when type == typeof(EnrollRequest) => targets.EnrollmentToken,
                "Token" => $"inv_{targets.InvitationId:N}",
                "TimeZone" => "UTC",
                "Name" or "DisplayName" or "Label" or "Hostname" => "Isolation probe",
                "PublicKey" => TestAgent.PublicKeyOf(EnrollProbeKey),
                "NewPublicKey" => TestAgent.PublicKeyOf(RotatedProbeKey),
                "MachineId" => targets.MachineId,
                "Os" => "linux",
                "OsVersion" => "Debian 12",
                "AgentVersion" => "0.1.0",
                "Category" => SnapshotCategories.Services,
                "Dataset" => "audit-records",
                "Format" => "csv",
                "Url" => "https://hooks.example.com/isolation-probe",
                "Secret" => null,
                "Title" => "Isolation probe",
                "Comment" or "Text" => "Isolation probe",
                "KeyPattern" => "isolation-probe-*",
                "Resolution" or "Kind" or "Field" => null,
                "QuietHoursStart" => "22:00",
                "QuietHoursEnd" => "07:00",
                _ => targets.TenantId.ToString(),
            };
        }

        if (value == typeof(DateTimeOffset))
        {
            return DateTimeOffset.UtcNow;
        }

        if (value == typeof(Role))
        {
            return Role.Viewer;
        }

        if (value == typeof(CustomerScope))
        {
            return CustomerScope.SelectedCustomers;
        }

        if (value == typeof(NotificationChannel))
        {
            return NotificationChannel.Webhook;
        }

        if (value == typeof(NotificationSeverity))
        {
            return NotificationSeverity.High;
        }

        if (value == typeof(IntegrityEventStatus))
        {
            return IntegrityEventStatus.Acknowledged;
        }

        if (value == typeof(AuditThreshold))
        {
            return new AuditThreshold(true, 5, 15);
        }

        if (value == typeof(AuditWorkingHours))
        {
            return new AuditWorkingHours(true, 7, 19, true);
        }

        if (value == typeof(RuleMatch))
        {
            return new RuleMatch(Kinds: ["systemd-unit"]);
        }

        if (value == typeof(DigestMode))
        {
            return DigestMode.Immediate;
        }

        if (value == typeof(IReadOnlyList<RuleBody>))
        {
            return new[] { new RuleBody(NotificationCatalog.DriftDetected, ["inApp"], NotificationSeverity.High) };
        }

        if (value == typeof(bool))
        {
            // Following the tenant's schedule leaves the schedule out, which the rest of the body fills in.
            return name != "UseTenantSchedule";
        }

        if (value == typeof(int))
        {
            return name == "SchemaVersion" ? SnapshotSchema.Version : 7;
        }

        if (value == typeof(long))
        {
            return 7L;
        }

        if (value == typeof(IReadOnlyDictionary<string, string>))
        {
            return new Dictionary<string, string> { ["actorUserId"] = targets.UserId.ToString(), ["q"] = targets.Email };
        }

        if (value == typeof(IReadOnlyDictionary<string, int>))
        {
            return new Dictionary<string, int> { [SnapshotCategories.Services] = 1800 };
        }

        if (typeof(IEnumerable<SnapshotEntry>).IsAssignableFrom(value))
        {
            return new[] { TestAgent.Entry("systemd-unit", targets.TenantId.ToString(), ("User", targets.Email)) };
        }

        if (typeof(IEnumerable<Guid>).IsAssignableFrom(value))
        {
            return new[] { targets.TenantId };
        }

        if (typeof(IEnumerable<string>).IsAssignableFrom(value))
        {
            return name switch
            {
                "Scopes" => new[] { "tenant:read" },
                "EventTypes" => new[] { NotificationCatalog.DriftDetected },
                "Addresses" => new[] { "10.0.0.5" },
                _ => new[] { targets.TenantId.ToString() },
            };
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
