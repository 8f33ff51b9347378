using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.TestCommon;
using Xunit.Abstractions;

namespace Tenantra.Server.IntegrationTests.Platform;

/// <summary>
/// The issue's bad-input sweep: every mutating endpoint found in the endpoint data source gets
/// malformed JSON, wrong types, unknown fields, oversized, null and empty bodies, hostile strings
/// and invalid route ids, called by a platform admin against real objects. Every refusal must be
/// a 4xx problem details naming the field, and refused requests must write nothing.
/// </summary>
/// <remarks>
/// Endpoints that take no body get the cases that apply to them (oversized body, invalid ids):
/// sending a body they ignore would carry out the real action (suspend, sign out).
/// </remarks>
public sealed partial class BadInputSweepTests(BadInputSweepFixture fixture, ITestOutputHelper output) : IClassFixture<BadInputSweepFixture>
{
    private const string MalformedJson = "{\"name\": ";
    private const int HostileLength = 10_000;
    private const int OversizedLength = 1_500_000;
    private const string AuditRecords = BadInputSweepFixture.AuditRecords;
    private const string SuccessfulAuditRecords = BadInputSweepFixture.SuccessfulAuditRecords;

    private static readonly string[] s_mutatingMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Strings that break naive storage or display: a NUL, SQL-looking text, a right-to-left override.</summary>
    private static readonly string[] s_hostileStrings =
    [
        "nul\u0000byte",
        "x'); DROP TABLE tenants;--",
        "\u202Eexe.txt",
    ];

    [Fact]
    public void The_sweep_covers_more_than_twenty_mutating_endpoints_and_has_a_route_value_for_each_parameter()
    {
        var endpoints = MutatingEndpoints();

        Assert.True(endpoints.Count > 20, $"Only {endpoints.Count} mutating endpoints found:\n{string.Join('\n', endpoints)}");
        var missing = endpoints.SelectMany(e => e.Parameters).Select(p => p.Name).Distinct().Where(p => !fixture.RouteValues.ContainsKey(p)).ToList();
        Assert.True(missing.Count == 0, $"The sweep has no real value for route parameters {string.Join(", ", missing)}: add them to {nameof(BadInputSweepFixture)}.");
        Assert.Contains(endpoints, e => e.BodyType is not null);
        Assert.Contains(endpoints, e => e.BodyType is null);
    }

    [Fact]
    public async Task Every_mutating_endpoint_refuses_bad_input_with_problem_details_and_writes_nothing()
    {
        var endpoints = MutatingEndpoints();
        var requests = endpoints.SelectMany(BadRequestsFor).ToList();
        var before = await fixture.CountRowsAsync();

        var violations = new List<string>();
        foreach (var request in requests)
        {
            using var response = await fixture.Admin.SendAsync(request.ToMessage());
            violations.AddRange(await RefusalViolationsAsync(request, response));
        }

        var after = await fixture.CountRowsAsync();
        foreach (var (table, count) in before.Where(t => t.Key is not AuditRecords and not SuccessfulAuditRecords && after[t.Key] != t.Value))
        {
            violations.Add($"rows in {table} changed from {count} to {after[table]} although every request was refused");
        }

        if (after[SuccessfulAuditRecords] != before[SuccessfulAuditRecords])
        {
            violations.Add($"{after[SuccessfulAuditRecords] - before[SuccessfulAuditRecords]} refused requests were audited with outcome success");
        }

        if (after[AuditRecords] <= before[AuditRecords])
        {
            violations.Add($"refused requests were not audited: {AuditRecords} stayed at {before[AuditRecords]}");
        }

        Assert.True(violations.Count == 0, $"{violations.Count} problems over {requests.Count} bad requests to {endpoints.Count} endpoints:\n{string.Join('\n', violations)}");
    }

    [Fact]
    public async Task Hostile_strings_are_refused_cleanly_or_stored_exactly_as_sent()
    {
        var requests = MutatingEndpoints().Where(e => e.BodyType is not null).SelectMany(HostileRequestsFor).ToList();
        Assert.NotEmpty(requests);

        var violations = new List<string>();
        var accepted = new List<string>();
        foreach (var request in requests)
        {
            var before = await fixture.CountRowsAsync();
            using var response = await fixture.Admin.SendAsync(request.ToMessage());
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (status is >= 200 and < 300)
            {
                accepted.Add($"{request} → {status}");
                violations.AddRange((await AlteredEchoesAsync(request, response, body)).Select(v => $"{request}: {v}"));
                continue;
            }

            violations.AddRange(await RefusalViolationsAsync(request, response, body));
            var after = await fixture.CountRowsAsync();
            violations.AddRange(before.Where(t => t.Key is not AuditRecords and not SuccessfulAuditRecords && after[t.Key] != t.Value)
                .Select(t => $"{request}: refused with {status} but rows in {t.Key} changed from {t.Value} to {after[t.Key]}"));
        }

        output.WriteLine($"{accepted.Count} of {requests.Count} hostile requests were accepted and read back:\n{string.Join('\n', accepted)}");
        Assert.True(violations.Count == 0, $"{violations.Count} problems over {requests.Count} hostile requests:\n{string.Join('\n', violations)}");
    }

    private List<MutatingEndpoint> MutatingEndpoints() =>
        [.. fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => s_mutatingMethods.Contains(m, StringComparer.OrdinalIgnoreCase))
                .Select(m => new MutatingEndpoint(
                    m.ToUpperInvariant(),
                    e.RoutePattern.RawText ?? throw new InvalidOperationException($"{e.DisplayName} has no route text."),
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType)))
            .OrderBy(e => e.Template, StringComparer.Ordinal)
            .ThenBy(e => e.Method, StringComparer.Ordinal)];

    private IEnumerable<SweepRequest> BadRequestsFor(MutatingEndpoint endpoint)
    {
        var path = endpoint.Path(fixture.RouteValues);
        var oversized = "{\"name\":\"" + new string('x', OversizedLength) + "\"}";
        yield return new SweepRequest(endpoint, "oversized body", path, oversized, ExpectedStatus: 413);

        foreach (var parameter in endpoint.Parameters)
        {
            var filler = endpoint.BodyType is null ? null : Filler(endpoint.BodyType).ToJsonString();
            if (parameter.IsGuid)
            {
                var unknown = endpoint.Path(fixture.RouteValues, parameter.Name, Guid.NewGuid().ToString());
                yield return new SweepRequest(endpoint, $"unknown {parameter.Name}", unknown, filler, ExpectedStatus: 404);
                var notAGuid = endpoint.Path(fixture.RouteValues, parameter.Name, "abc");
                yield return new SweepRequest(endpoint, $"non-guid {parameter.Name}", notAGuid, filler, ExpectedStatus: 404);
            }
            else
            {
                var unknown = endpoint.Path(fixture.RouteValues, parameter.Name, "no-such-value");
                yield return new SweepRequest(endpoint, $"unknown {parameter.Name}", unknown, filler, ExpectedStatus: 404);
            }
        }

        if (endpoint.BodyType is not { } bodyType)
        {
            yield break;
        }

        yield return new SweepRequest(endpoint, "malformed JSON", path, MalformedJson, ExpectedStatus: 400, FieldError: FieldError.Any);
        yield return new SweepRequest(endpoint, "JSON null", path, "null", ExpectedStatus: 400);
        yield return new SweepRequest(endpoint, "empty body", path, "", ExpectedStatus: 400);

        var withUnknown = Filler(bodyType);
        withUnknown["bogus"] = 1;
        yield return new SweepRequest(endpoint, "unknown field", path, withUnknown.ToJsonString(), ExpectedStatus: 400, FieldError: new FieldError("bogus"));

        foreach (var field in FieldsOf(bodyType))
        {
            var wrong = Filler(bodyType);
            wrong[field.Name] = WrongTypeFor(field);
            yield return new SweepRequest(endpoint, $"wrong type for {field.Name}", path, wrong.ToJsonString(), ExpectedStatus: 400, FieldError: new FieldError(field.Name));

            if (field.Kind is FieldKind.Text or FieldKind.TextList)
            {
                var tooLong = Filler(bodyType);
                tooLong[field.Name] = TextValue(field, new string('x', HostileLength));
                yield return new SweepRequest(endpoint, $"{HostileLength:N0}-character {field.Name}", path, tooLong.ToJsonString(), ExpectedStatus: 400, FieldError: new FieldError(field.Name));
            }
        }
    }

    private IEnumerable<SweepRequest> HostileRequestsFor(MutatingEndpoint endpoint)
    {
        var path = endpoint.Path(fixture.RouteValues);
        foreach (var field in FieldsOf(endpoint.BodyType!).Where(f => f.Kind is FieldKind.Text or FieldKind.TextList))
        {
            foreach (var hostile in s_hostileStrings)
            {
                var body = Filler(endpoint.BodyType!);
                body[field.Name] = TextValue(field, hostile);
                yield return new SweepRequest(endpoint, $"{field.Name} = {JsonSerializer.Serialize(hostile)}", path, body.ToJsonString(), Hostile: (field.Name, hostile));
            }
        }
    }

    private static async Task<IEnumerable<string>> RefusalViolationsAsync(SweepRequest request, HttpResponseMessage response, string? body = null)
    {
        body ??= await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var violations = new List<string>();
        if (status is < 400 or >= 500)
        {
            violations.Add($"status {status}, expected {request.ExpectedStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "4xx"}");
        }
        else if (request.ExpectedStatus is { } expected && status != expected)
        {
            violations.Add($"status {status}, expected {expected}");
        }

        violations.AddRange(ProblemResponses.ShapeViolations(response, body));
        if (status == 400 && request.FieldError is { } fieldError)
        {
            var fields = ProblemResponses.ErrorFields(body);
            if (!fields.Any(fieldError.Matches))
            {
                violations.Add(fields.Count == 0
                    ? $"no \"errors\" object naming {fieldError}"
                    : $"\"errors\" names {string.Join(", ", fields)}, not {fieldError}");
            }
        }

        return violations.Count == 0 ? [] : [$"{request}: {string.Join("; ", violations)} — {Excerpt(body)}"];
    }

    /// <summary>For an accepted hostile string: the response, and the created object read back, must carry it unchanged.</summary>
    private async Task<IEnumerable<string>> AlteredEchoesAsync(SweepRequest request, HttpResponseMessage response, string body)
    {
        var (field, sent) = request.Hostile!.Value;
        var violations = new List<string>();
        var documents = new List<(string Source, string Json)> { ("response", body) };
        if (response.Headers.Location is { } location)
        {
            using var readBack = await fixture.Admin.GetAsync(location);
            if (readBack.StatusCode == HttpStatusCode.OK)
            {
                documents.Add(($"GET {location}", await readBack.Content.ReadAsStringAsync()));
            }
        }

        foreach (var (source, json) in documents.Where(d => d.Json.Length > 0))
        {
            foreach (var stored in StringsNamed(JsonNode.Parse(json), field))
            {
                if (stored != sent)
                {
                    violations.Add($"accepted with {(int)response.StatusCode} but {source} has {field} = {JsonSerializer.Serialize(stored)}");
                }
            }
        }

        return violations;
    }

    private static IEnumerable<string> StringsNamed(JsonNode? node, string name) => node switch
    {
        JsonObject obj => obj.SelectMany(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase) && p.Value is JsonValue value && value.TryGetValue<string>(out var text)
            ? [text]
            : StringsNamed(p.Value, name)),
        JsonArray array => array.SelectMany(item => StringsNamed(item, name)),
        _ => [],
    };

    private static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";

    private static IReadOnlyList<BodyField> FieldsOf(Type bodyType) =>
        [.. bodyType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null)
            .Select(p => new BodyField(JsonNamingPolicy.CamelCase.ConvertName(p.Name), KindOf(p.PropertyType), Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))];

    private static FieldKind KindOf(Type type)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        return bare switch
        {
            _ when bare == typeof(string) => FieldKind.Text,
            _ when bare.IsEnum => FieldKind.Choice,
            _ when bare == typeof(bool) => FieldKind.Flag,
            _ when bare == typeof(int) => FieldKind.Number,
            _ when typeof(IEnumerable<string>).IsAssignableFrom(bare) => FieldKind.TextList,
            _ when typeof(IEnumerable<Guid>).IsAssignableFrom(bare) => FieldKind.IdList,
            _ => throw new InvalidOperationException($"The sweep does not know how to fill a {type}; teach {nameof(BadInputSweepTests)}."),
        };
    }

    /// <summary>A well-typed body: every field the request type has, filled with a plausible value (or left out where none is safe).</summary>
    private JsonObject Filler(Type bodyType)
    {
        var body = new JsonObject();
        foreach (var field in FieldsOf(bodyType))
        {
            JsonNode? value = field.Kind switch
            {
                FieldKind.Text => FillerText(field.Name),
                FieldKind.Choice when field.Type == typeof(Role) => "viewer",
                FieldKind.Flag => false,
                FieldKind.Number => 7,
                FieldKind.TextList => new JsonArray("tenant:read"),
                _ => null,
            };
            if (value is not null)
            {
                body[field.Name] = value;
            }
        }

        return body;
    }

    private JsonNode? FillerText(string field) => field switch
    {
        "email" => $"sweep{fixture.NextNumber()}@test.example",
        "name" => $"Sweep {fixture.NextNumber()}",
        "displayName" => "Sweep Person",
        "timeZone" => "UTC",
        "password" or "currentPassword" or "newPassword" => "not the right password",
        "token" => "inv_not-a-real-token",
        "code" => "123456",
        "recoveryCode" => null,
        _ => "sweep",
    };

    private static JsonNode TextValue(BodyField field, string text) =>
        field.Kind == FieldKind.TextList ? new JsonArray(text) : JsonValue.Create(text);

    private static JsonNode WrongTypeFor(BodyField field) => field.Kind switch
    {
        FieldKind.Text => 123,
        FieldKind.Choice => new JsonObject { ["x"] = 1 },
        FieldKind.Flag => "yes",
        FieldKind.Number => "ten",
        FieldKind.TextList => "x",
        FieldKind.IdList => new JsonArray("not-a-guid"),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [GeneratedRegex(@"\{(?<name>\w+)(?<constraints>:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    private enum FieldKind
    {
        Text,
        Choice,
        Flag,
        Number,
        TextList,
        IdList,
    }

    private sealed record BodyField(string Name, FieldKind Kind, Type Type);

    private sealed record RouteParameterInfo(string Name, bool IsGuid);

    private sealed record MutatingEndpoint(string Method, string Template, Type? BodyType)
    {
        public IReadOnlyList<RouteParameterInfo> Parameters { get; } =
            [.. RouteParameter().Matches(Template).Select(m => new RouteParameterInfo(m.Groups["name"].Value, m.Groups["constraints"].Value.Contains("guid", StringComparison.Ordinal)))];

        public string Path(Dictionary<string, string> values, string? replaced = null, string? replacement = null) =>
            RouteParameter().Replace(Template, m =>
            {
                var name = m.Groups["name"].Value;
                return Uri.EscapeDataString(name == replaced ? replacement! : values.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"No route value for {{{name}}}."));
            });

        public override string ToString() => $"{Method} {Template}";
    }

    /// <summary>The field a 400 must name in <c>errors</c>: exactly, or as the prefix of a path into it (<c>customerIds[0]</c>).</summary>
    private sealed record FieldError(string? Field)
    {
        public static readonly FieldError Any = new((string?)null);

        public bool Matches(string key) =>
            Field is null || key == Field || key.StartsWith(Field + "[", StringComparison.Ordinal) || key.StartsWith(Field + ".", StringComparison.Ordinal);

        public override string ToString() => Field is null ? "a field" : $"\"{Field}\"";
    }

    private sealed record SweepRequest(
        MutatingEndpoint Endpoint, string Case, string Path, string? Body, int? ExpectedStatus = null, FieldError? FieldError = null, (string Field, string Value)? Hostile = null)
    {
        public HttpRequestMessage ToMessage() => new(new HttpMethod(Endpoint.Method), Path)
        {
            Content = Body is null ? null : new StringContent(Body, Encoding.UTF8, "application/json"),
        };

        public override string ToString() => $"{Endpoint.Method} {Path} [{Case}]";
    }
}

/// <summary>
/// One app for the sweep, with a signed-in platform admin and a real object for every route
/// parameter: an MSP, its customer, a user with a membership there, an invitation and an API token.
/// </summary>
public sealed class BadInputSweepFixture : IAsyncLifetime
{
    public const string AuditRecords = "audit_records";
    public const string SuccessfulAuditRecords = "audit_records with outcome success";

    private int _counter;

    public TenantraTestApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Dictionary<string, string> RouteValues { get; } = [];

    public int NextNumber() => Interlocked.Increment(ref _counter);

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        var data = new TestData(App);
        var admin = await data.UserAsync(App.PlatformTenantId, Role.Admin);
        Admin = await App.SignInAsync(admin.Email);
        var mspId = await data.TenantAsync(TenantKind.Msp);
        var customerId = await data.TenantAsync(TenantKind.Customer, mspId);
        var member = await data.UserAsync(customerId, Role.Viewer);
        var invitation = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/invitations", new { email = "invitee@test.example", role = "viewer" }), HttpStatusCode.Created);
        var token = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/api-tokens", new { name = "sweep", scopes = new[] { "tenant:read" } }), HttpStatusCode.Created);

        RouteValues["mspId"] = mspId.ToString();
        RouteValues["tenantId"] = customerId.ToString();
        RouteValues["userId"] = member.Id.ToString();
        RouteValues["membershipId"] = member.MembershipId.ToString();
        RouteValues["invitationId"] = invitation.GetProperty("invitation").GetProperty("id").GetString()!;
        RouteValues["tokenId"] = token.GetProperty("apiToken").GetProperty("id").GetString()!;
        RouteValues["key"] = "audit";
    }

    /// <summary>Rows per table, every tenant's rows included (counted inside a scope entered for all tenants).</summary>
    public async Task<Dictionary<string, int>> CountRowsAsync()
    {
        var tenantIds = await App.InPlatformAsync(db => db.Tenants.Select(t => t.Id).ToListAsync());
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantScope>().Enter(tenantIds);
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        return new Dictionary<string, int>
        {
            ["tenants"] = await db.Tenants.CountAsync(),
            ["users"] = await db.Users.CountAsync(),
            ["memberships"] = await db.Memberships.CountAsync(),
            ["membership_customers"] = await db.MembershipCustomers.CountAsync(),
            ["invitations"] = await db.Invitations.CountAsync(),
            ["api_tokens"] = await db.ApiTokens.CountAsync(),
            ["feature_overrides"] = await db.FeatureOverrides.CountAsync(),
            ["recovery_codes"] = await db.RecoveryCodes.CountAsync(),
            [AuditRecords] = await db.AuditRecords.CountAsync(),
            [SuccessfulAuditRecords] = await db.AuditRecords.CountAsync(r => r.Outcome == AuditOutcome.Success),
        };
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
    }
}
