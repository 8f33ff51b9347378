using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Audit;
using Tenantra.Core.Identity;
using Tenantra.Core.Integrity;
using Tenantra.Core.Notifications;
using Tenantra.Core.Tenancy;
using Tenantra.Data;
using Tenantra.Server.Hosting;
using Tenantra.Server.Notifications;
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
/// <para>
/// Endpoints that take no body get the cases that apply to them (oversized body, invalid ids):
/// sending a body they ignore would carry out the real action (suspend, sign out).
/// </para>
/// <para>
/// The signed agent endpoints (heartbeat, snapshots, key rotation) are called by a real enrolled
/// agent, every request properly signed, so the bad body itself is what they refuse; snapshot
/// bodies are gzip-compressed as agents send them (the oversized case excepted, which must be
/// refused before it is read). Enrollment is called with a valid enrollment token in the filler.
/// Each signed request that passes the signature check records its nonce before the handler runs
/// (replay protection), so nonces are the one row the refused requests may add.
/// </para>
/// </remarks>
public sealed partial class BadInputSweepTests(BadInputSweepFixture fixture, ITestOutputHelper output) : IClassFixture<BadInputSweepFixture>
{
    private const string MalformedJson = "{\"name\": ";
    private const int HostileLength = 10_000;
    private const string AuditRecords = BadInputSweepFixture.AuditRecords;
    private const string SuccessfulAuditRecords = BadInputSweepFixture.SuccessfulAuditRecords;
    private const string AgentNonces = BadInputSweepFixture.AgentNonces;

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
        Assert.Contains(endpoints, e => e.Template == "/api/v1/agent/enroll");
        Assert.Equal(3, endpoints.Count(e => e.IsSignedByAgent));
        Assert.Contains(endpoints, e => e.IsSignedByAgent && e.AcceptsGzip);
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
            using var response = await fixture.ClientFor(request.Endpoint.IsSignedByAgent).SendAsync(request.ToMessage());
            violations.AddRange(await RefusalViolationsAsync(request, response));
        }

        var after = await fixture.CountRowsAsync();
        foreach (var (table, count) in before.Where(t => IsData(t.Key) && after[t.Key] != t.Value))
        {
            violations.Add($"{table} changed from {count} to {after[table]} although every request was refused");
        }

        var signed = requests.Count(r => r.Endpoint.IsSignedByAgent);
        if (after[AgentNonces] - before[AgentNonces] > signed)
        {
            violations.Add($"{after[AgentNonces] - before[AgentNonces]} nonces were recorded for {signed} signed requests");
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
            using var response = await fixture.ClientFor(request.Endpoint.IsSignedByAgent).SendAsync(request.ToMessage());
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
            violations.AddRange(before.Where(t => IsData(t.Key) && after[t.Key] != t.Value)
                .Select(t => $"{request}: refused with {status} but {t.Key} changed from {t.Value} to {after[t.Key]}"));
        }

        output.WriteLine($"{accepted.Count} of {requests.Count} hostile requests were accepted and read back:\n{string.Join('\n', accepted)}");
        Assert.True(violations.Count == 0, $"{violations.Count} problems over {requests.Count} hostile requests:\n{string.Join('\n', violations)}");
    }

    /// <summary>The rows and fingerprints that refused requests must leave alone: all but the audit counts and agent nonces.</summary>
    private static bool IsData(string key) => key is not AuditRecords and not SuccessfulAuditRecords and not AgentNonces;

    private List<MutatingEndpoint> MutatingEndpoints() =>
        [.. fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => s_mutatingMethods.Contains(m, StringComparer.OrdinalIgnoreCase))
                .Select(m => new MutatingEndpoint(
                    m.ToUpperInvariant(),
                    e.RoutePattern.RawText ?? throw new InvalidOperationException($"{e.DisplayName} has no route text."),
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType,
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("application/gzip") == true)))
            .OrderBy(e => e.Template, StringComparer.Ordinal)
            .ThenBy(e => e.Method, StringComparer.Ordinal)];

    private IEnumerable<SweepRequest> BadRequestsFor(MutatingEndpoint endpoint)
    {
        var path = endpoint.Path(fixture.RouteValues);
        var oversized = "{\"name\":\"" + new string('x', endpoint.BodyLimit * 3 / 2) + "\"}";
        yield return new SweepRequest(endpoint, "oversized body", path, oversized, ExpectedStatus: 413, Uncompressed: true);

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

            if (TakesText(field))
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
        foreach (var field in FieldsOf(endpoint.BodyType!).Where(TakesText))
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

    /// <summary>For an accepted hostile string: the response, and the created or changed object read back, must carry it unchanged.</summary>
    private async Task<IEnumerable<string>> AlteredEchoesAsync(SweepRequest request, HttpResponseMessage response, string body)
    {
        var (field, sent) = request.Hostile!.Value;
        var violations = new List<string>();
        var documents = new List<(string Source, string Json)> { ("response", body) };
        var agentAsset = request.Endpoint.IsAgentApi ? fixture.AgentAssetLocation(request.Endpoint.IsSignedByAgent, body) : null;
        if ((response.Headers.Location ?? agentAsset) is { } location)
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

    /// <summary>The strings under properties called <paramref name="name"/>: a string value, or the strings of an array value.</summary>
    private static IEnumerable<string> StringsNamed(JsonNode? node, string name) => node switch
    {
        JsonObject obj => obj.SelectMany(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase) ? StringsOf(p.Value) : StringsNamed(p.Value, name)),
        JsonArray array => array.SelectMany(item => StringsNamed(item, name)),
        _ => [],
    };

    private static IEnumerable<string> StringsOf(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        JsonArray array => array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var text) ? text : null).OfType<string>(),
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
            _ when bare == typeof(int) || bare == typeof(long) => FieldKind.Number,
            _ when bare == typeof(Guid) => FieldKind.Id,
            _ when bare == typeof(DateTimeOffset) => FieldKind.Time,
            _ when typeof(IReadOnlyDictionary<string, int>).IsAssignableFrom(bare) => FieldKind.NumberByName,
            _ when typeof(IReadOnlyDictionary<string, string>).IsAssignableFrom(bare) => FieldKind.TextByName,
            _ when typeof(IEnumerable<SnapshotEntry>).IsAssignableFrom(bare) => FieldKind.EntryList,
            _ when typeof(IEnumerable<string>).IsAssignableFrom(bare) => FieldKind.TextList,
            _ when typeof(IEnumerable<Guid>).IsAssignableFrom(bare) => FieldKind.IdList,
            _ when typeof(IEnumerable<RuleBody>).IsAssignableFrom(bare) => FieldKind.RuleList,
            _ when bare == typeof(RuleMatch) => FieldKind.SeverityRuleMatch,
            _ when bare == typeof(AuditThreshold) => FieldKind.DetectionThreshold,
            _ when bare == typeof(AuditWorkingHours) => FieldKind.WorkingHours,
            _ => throw new InvalidOperationException($"The sweep does not know how to fill a {type}; teach {nameof(BadInputSweepTests)}."),
        };
    }

    /// <summary>A well-typed body: every field the request type has, filled with a valid value (or left out where none is safe).</summary>
    private JsonObject Filler(Type bodyType)
    {
        var body = new JsonObject();
        foreach (var field in FieldsOf(bodyType))
        {
            JsonNode? value = field.Kind switch
            {
                FieldKind.Text => FillerText(bodyType, field.Name),
                FieldKind.Choice when field.Type == typeof(Role) => "viewer",
                FieldKind.Choice when field.Type == typeof(NotificationChannel) => "webhook",
                FieldKind.Choice when field.Type == typeof(NotificationSeverity) => "high",
                FieldKind.Choice when field.Type == typeof(DigestMode) => "immediate",
                FieldKind.Choice when field.Type == typeof(IntegrityEventStatus) => "acknowledged",
                FieldKind.SeverityRuleMatch => new JsonObject { ["kinds"] = new JsonArray("systemd-unit"), ["keyPattern"] = "^sweep" },
                FieldKind.DetectionThreshold => new JsonObject { ["enabled"] = true, ["count"] = 5, ["windowMinutes"] = 15 },
                FieldKind.WorkingHours => new JsonObject { ["enabled"] = true, ["startHour"] = 7, ["endHour"] = 19, ["weekdaysOnly"] = true },
                FieldKind.Flag => false,
                FieldKind.Number when field.Name == "schemaVersion" => SnapshotSchema.Version,
                FieldKind.Number => 7,
                FieldKind.Id when field.Name is "groupId" or "assetGroupId" => fixture.GroupId,
                FieldKind.Id when field.Name == "snapshotId" => Guid.CreateVersion7(),
                FieldKind.Time => DateTimeOffset.UtcNow,
                FieldKind.NumberByName => new JsonObject { [SnapshotCategories.Services] = 1800 },
                FieldKind.TextByName => new JsonObject { ["action"] = "tenant." },
                FieldKind.EntryList => new JsonArray(new JsonObject { ["kind"] = "systemd-unit", ["key"] = "sweep.service", ["fields"] = new JsonObject() }),
                FieldKind.TextList when field.Name == "addresses" => new JsonArray("10.0.0.5"),
                FieldKind.TextList when field.Name == "eventTypes" => new JsonArray(NotificationCatalog.DriftDetected),
                FieldKind.RuleList => new JsonArray(new JsonObject { ["eventType"] = NotificationCatalog.DriftDetected, ["channels"] = new JsonArray("inApp"), ["minSeverity"] = "high" }),
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

    private JsonNode? FillerText(Type bodyType, string field) => field switch
    {
        "email" => $"sweep{fixture.NextNumber()}@test.example",
        "name" => $"Sweep {fixture.NextNumber()}",
        "displayName" => "Sweep Person",
        "timeZone" => "UTC",
        "password" or "currentPassword" or "newPassword" => "not the right password",
        "token" when bodyType == typeof(EnrollRequest) => fixture.EnrollmentToken,
        "token" => "inv_not-a-real-token",
        "code" => "123456",
        "recoveryCode" => null,
        "publicKey" or "newPublicKey" => TestAgent.PublicKeyOf(fixture.ProbeKey),
        "machineId" => "sweep-machine",
        "category" => SnapshotCategories.Services,
        "dataset" => "audit-records",
        "format" => "csv",
        "url" => "https://hooks.example.com/sweep",
        "secret" or "quietHoursStart" or "quietHoursEnd" => null,
        "resolution" or "kind" or "field" => null,
        "keyPattern" => "sweep-*",
        _ => "sweep",
    };

    /// <summary>Whether the sweep puts long and hostile strings into the field: text, text lists and the keys of a by-name map.</summary>
    private static bool TakesText(BodyField field) => field.Kind is FieldKind.Text or FieldKind.TextList or FieldKind.NumberByName or FieldKind.TextByName;

    private static JsonNode TextValue(BodyField field, string text) => field.Kind switch
    {
        FieldKind.TextList => new JsonArray(text),
        FieldKind.NumberByName => new JsonObject { [text] = 1800 },
        FieldKind.TextByName => new JsonObject { [text] = text },
        _ => JsonValue.Create(text),
    };

    private static JsonNode WrongTypeFor(BodyField field) => field.Kind switch
    {
        FieldKind.Text => 123,
        FieldKind.Choice => new JsonObject { ["x"] = 1 },
        FieldKind.Flag => "yes",
        FieldKind.Number => "ten",
        FieldKind.Id => "not-a-guid",
        FieldKind.Time => 123,
        FieldKind.NumberByName => new JsonArray(1800),
        FieldKind.TextByName => new JsonArray("x"),
        FieldKind.EntryList => "x",
        FieldKind.TextList => "x",
        FieldKind.IdList => new JsonArray("not-a-guid"),
        FieldKind.RuleList => "x",
        FieldKind.SeverityRuleMatch => "x",
        FieldKind.DetectionThreshold => "x",
        FieldKind.WorkingHours => new JsonArray(7, 19),
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
        Id,
        Time,

        /// <summary>An object of numbers by name (collection intervals by category).</summary>
        NumberByName,

        /// <summary>An object of strings by name (an export's filters).</summary>
        TextByName,

        /// <summary>Snapshot entries (their own limits are swept by the agent tests).</summary>
        EntryList,
        TextList,
        IdList,

        /// <summary>What a severity rule matches: categories, kinds, changes, key pattern, field conditions.</summary>
        SeverityRuleMatch,

        /// <summary>Notification rules: event type, channels, least severity.</summary>
        RuleList,

        /// <summary>An audit detection's count within a window.</summary>
        DetectionThreshold,

        /// <summary>Working hours for off-hours detections.</summary>
        WorkingHours,
    }

    private sealed record BodyField(string Name, FieldKind Kind, Type Type);

    private sealed record RouteParameterInfo(string Name, bool IsGuid);

    private sealed record MutatingEndpoint(string Method, string Template, Type? BodyType, bool AcceptsGzip)
    {
        public IReadOnlyList<RouteParameterInfo> Parameters { get; } =
            [.. RouteParameter().Matches(Template).Select(m => new RouteParameterInfo(m.Groups["name"].Value, m.Groups["constraints"].Value.Contains("guid", StringComparison.Ordinal)))];

        public bool IsAgentApi => Template.StartsWith("/api/v1/agent/", StringComparison.Ordinal);

        /// <summary>The agent API past enrollment: only requests signed by an enrolled agent reach the handler.</summary>
        public bool IsSignedByAgent => IsAgentApi && Template != "/api/v1/agent/enroll";

        /// <summary>Largest body the server reads for this endpoint.</summary>
        public int BodyLimit => AcceptsGzip ? SnapshotSchema.MaxCompressedBytes : (int)TenantraApp.MaxRequestBodyBytes;

        /// <summary>
        /// The template with real values: <paramref name="values"/> by parameter name, or by the
        /// segment before it and the name where two collections share a name (<c>enrollment-tokens/tokenId</c>).
        /// </summary>
        public string Path(Dictionary<string, string> values, string? replaced = null, string? replacement = null) =>
            RouteParameter().Replace(Template, m =>
            {
                var name = m.Groups["name"].Value;
                var collection = Template[..m.Index].TrimEnd('/').Split('/')[^1];
                return Uri.EscapeDataString(name == replaced ? replacement!
                    : values.TryGetValue($"{collection}/{name}", out var specific) ? specific
                    : values.TryGetValue(name, out var value) ? value
                    : throw new InvalidOperationException($"No route value for {{{name}}}."));
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

    /// <summary>One request of the sweep; sent gzip-compressed where the endpoint takes gzip, unless <paramref name="Uncompressed"/>.</summary>
    private sealed record SweepRequest(
        MutatingEndpoint Endpoint, string Case, string Path, string? Body, int? ExpectedStatus = null, FieldError? FieldError = null,
        (string Field, string Value)? Hostile = null, bool Uncompressed = false)
    {
        public HttpRequestMessage ToMessage() => new(new HttpMethod(Endpoint.Method), Path) { Content = Content() };

        private ByteArrayContent? Content()
        {
            if (Body is null)
            {
                return null;
            }

            var bytes = Encoding.UTF8.GetBytes(Body);
            var content = new ByteArrayContent(Endpoint.AcceptsGzip && !Uncompressed ? TestAgent.Gzip(bytes) : bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Endpoint.AcceptsGzip ? "application/gzip" : "application/json");
            return content;
        }

        public override string ToString() => $"{Endpoint.Method} {Path} [{Case}]";
    }
}

/// <summary>
/// One app for the sweep, with a signed-in platform admin and a real object for every route
/// parameter: an MSP, its customer, a user with a membership there, an invitation, an API token,
/// an asset group, an enrollment token and an enrolled agent (whose asset it is).
/// </summary>
public sealed class BadInputSweepFixture : IAsyncLifetime
{
    public const string AuditRecords = "audit_records";
    public const string SuccessfulAuditRecords = "audit_records with outcome success";
    public const string AgentNonces = "agent_nonces";

    private int _counter;

    public TenantraTestApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>Signs every request as the customer's enrolled agent.</summary>
    public TestAgent Agent { get; private set; } = null!;

    public Guid CustomerId { get; private set; }

    public Guid GroupId { get; private set; }

    /// <summary>A valid enrollment token of the customer.</summary>
    public string EnrollmentToken { get; private set; } = "";

    /// <summary>The key whose public half the sweep's enrollment and key-rotation bodies carry.</summary>
    public ECDsa ProbeKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

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
        var group = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/asset-groups", new { name = "sweep servers" }), HttpStatusCode.Created);
        GroupId = group.GetProperty("id").GetGuid();
        var enrollment = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/enrollment-tokens", new { label = "sweep", assetGroupId = GroupId }), HttpStatusCode.Created);
        EnrollmentToken = enrollment.GetProperty("token").GetString()!;
        Agent = await TestAgent.EnrollAsync(App, EnrollmentToken, "sweep-agent-machine");
        var export = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/exports", new { dataset = "audit-records", format = "csv" }), HttpStatusCode.Accepted);
        await ResponseAssert.ReadAsync(
            await Admin.PutAsJsonAsync($"/api/v1/tenants/{customerId}/notifications/preferences/me", new { rules = new[] { new { eventType = NotificationCatalog.Test, channels = new[] { "inApp" }, minSeverity = "info" } }, digest = "immediate", criticalBypassesQuietHours = true, throttleMinutes = 0 }),
            HttpStatusCode.OK);
        var endpoint = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/notifications/endpoints", new { name = "sweep hook", kind = "webhook", url = "https://hooks.example.com/sweep", minSeverity = "info" }),
            HttpStatusCode.Created);
        var published = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/notifications/test", new { severity = "high" }), HttpStatusCode.Accepted);
        await App.RouteNotificationsAsync(customerId);
        var delivery = await App.InTenantAsync(customerId, s => s.GetRequiredService<TenantraDbContext>().NotificationDeliveries.Select(d => d.Id).FirstAsync());
        CustomerId = customerId;

        RouteValues["mspId"] = mspId.ToString();
        RouteValues["tenantId"] = customerId.ToString();
        RouteValues["userId"] = member.Id.ToString();
        RouteValues["membershipId"] = member.MembershipId.ToString();
        RouteValues["invitationId"] = invitation.GetProperty("invitation").GetProperty("id").GetString()!;
        RouteValues["tokenId"] = token.GetProperty("apiToken").GetProperty("id").GetString()!;
        RouteValues["enrollment-tokens/tokenId"] = enrollment.GetProperty("enrollmentToken").GetProperty("id").GetString()!;
        RouteValues["assetId"] = Agent.AgentId.ToString();
        RouteValues["exportId"] = export.GetProperty("id").GetString()!;
        RouteValues["endpointId"] = endpoint.GetProperty("endpoint").GetProperty("id").GetString()!;
        RouteValues["eventId"] = published.GetProperty("eventId").GetString()!;
        RouteValues["deliveryId"] = delivery.ToString();
        RouteValues["key"] = "audit";
        var (integrityEventId, suppressionId, goldenId) = await SeedIntegrityAsync(customerId);
        RouteValues["integrityEventId"] = integrityEventId.ToString();
        RouteValues["suppressionId"] = suppressionId.ToString();
        RouteValues["goldenBaselineId"] = goldenId.ToString();
        RouteValues["ruleKey"] = "sweep-rule";
        RouteValues["category"] = SnapshotCategories.Services;
    }

    /// <summary>A drift event (a baseline, then a snapshot with one more unit), a suppression and a golden baseline.</summary>
    private async Task<(Guid EventId, Guid SuppressionId, Guid GoldenId)> SeedIntegrityAsync(Guid customerId)
    {
        await ResponseAssert.ReadAsync(await Agent.UploadAsync(TestAgent.Snapshot(SnapshotCategories.Services, TestAgent.Entry("systemd-unit", "web.service", ("ExecStart", "/usr/bin/web")))), HttpStatusCode.OK);
        await App.EvaluateDriftAsync(customerId);
        await ResponseAssert.ReadAsync(await Agent.UploadAsync(TestAgent.Snapshot(SnapshotCategories.Services,
            TestAgent.Entry("systemd-unit", "web.service", ("ExecStart", "/usr/bin/web")), TestAgent.Entry("systemd-unit", "sweep.service", ("ExecStart", "/tmp/sweep")))), HttpStatusCode.OK);
        await App.EvaluateDriftAsync(customerId);
        var events = await ResponseAssert.ReadAsync(await Admin.GetAsync($"/api/v1/tenants/{customerId}/integrity/events"), HttpStatusCode.OK);
        var suppression = await ResponseAssert.ReadAsync(
            await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/integrity/suppressions", new { keyPattern = "noise-*", comment = "sweep" }), HttpStatusCode.Created);
        await ResponseAssert.ReadAsync(await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/integrity/rules",
            new { key = "sweep-rule", title = "Sweep", severity = "high", match = new { kinds = new[] { "systemd-unit" } } }), HttpStatusCode.Created);
        var golden = await ResponseAssert.ReadAsync(await Admin.PostAsJsonAsync($"/api/v1/tenants/{customerId}/integrity/golden-baselines",
            new { category = SnapshotCategories.Services, assetId = Agent.AgentId, comment = "sweep" }), HttpStatusCode.OK);
        return (events.GetProperty("items")[0].GetProperty("id").GetGuid(), suppression.GetProperty("id").GetGuid(), golden[0].GetProperty("id").GetGuid());
    }

    /// <summary>The client an endpoint is meant for: the agent for signed agent requests, the platform admin for the rest.</summary>
    public HttpClient ClientFor(bool signedByAgent) => signedByAgent ? Agent.Client : Admin;

    /// <summary>
    /// Where to read back what an accepted agent request stored: the asset an enrollment answers
    /// with, or the signing agent's asset.
    /// </summary>
    public Uri? AgentAssetLocation(bool signedByAgent, string responseBody)
    {
        Guid? assetId = signedByAgent ? Agent.AgentId
            : responseBody.Length > 0 && JsonNode.Parse(responseBody) is JsonObject body && body["agentId"] is JsonValue id ? id.GetValue<Guid>() : null;
        return assetId is null ? null : new Uri($"/api/v1/tenants/{CustomerId}/assets/{assetId}", UriKind.Relative);
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
            ["asset_groups"] = await db.AssetGroups.CountAsync(),
            ["enrollment_tokens"] = await db.EnrollmentTokens.CountAsync(),
            ["enrollment_tokens uses"] = await db.EnrollmentTokens.SumAsync(t => t.Uses),
            ["assets"] = await db.Assets.CountAsync(),
            ["assets fingerprint (names, keys, tags, group, revocation, last seen)"] = Fingerprint(await db.Assets.OrderBy(a => a.Id)
                .Select(a => new { a.Id, a.Hostname, a.Os, a.OsVersion, a.AgentVersion, a.UptimeSeconds, a.DroppedSnapshots, a.PublicKey, a.Tags, a.Addresses, a.GroupId, a.RevokedAt, a.LastSeenAt })
                .ToListAsync()),
            ["snapshots"] = await db.Snapshots.CountAsync(),
            ["asset_states"] = await db.AssetStates.CountAsync(),
            ["collection_intervals"] = await db.CollectionIntervals.CountAsync(),
            ["integrity_baselines fingerprint"] = Fingerprint(await db.IntegrityBaselines.OrderBy(b => b.Id).Select(b => new { b.Id, b.FollowsGolden, b.EntriesJson, b.ExcludedJson, b.Revision }).ToListAsync()),
            ["integrity_events fingerprint"] = Fingerprint(await db.IntegrityEvents.OrderBy(e => e.Id).Select(e => new { e.Id, e.Status, e.Resolution, e.AssigneeId }).ToListAsync()),
            ["integrity_event_comments"] = await db.IntegrityEventComments.CountAsync(),
            ["integrity_suppressions"] = await db.IntegritySuppressions.CountAsync(),
            ["integrity_rules"] = await db.IntegrityRules.CountAsync(),
            [AgentNonces] = await db.AgentNonces.CountAsync(),
            [AuditRecords] = await db.AuditRecords.CountAsync(),
            [SuccessfulAuditRecords] = await db.AuditRecords.CountAsync(r => r.Outcome == AuditOutcome.Success),
        };
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Agent.Dispose();
        ProbeKey.Dispose();
        await App.DisposeAsync();
    }

    private static int Fingerprint<T>(T rows) => BitConverter.ToInt32(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(rows)));
}
