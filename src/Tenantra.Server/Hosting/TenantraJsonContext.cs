using System.Text.Json.Serialization;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Hosting;

/// <summary>
/// Compile-time JSON metadata for the responses of the busiest endpoints (lists above all), ahead
/// of reflection in the resolver chain; other types still serialize through reflection. The
/// options configured in <see cref="TenantraApp"/> (camelCase enums, unknown members refused) apply to both.
/// </summary>
[JsonSerializable(typeof(Paged<AuditRecordResponse>))]
[JsonSerializable(typeof(Paged<TenantSummary>))]
[JsonSerializable(typeof(Paged<TenantUserResponse>))]
[JsonSerializable(typeof(Paged<MembershipResponse>))]
[JsonSerializable(typeof(Paged<InvitationResponse>))]
[JsonSerializable(typeof(Paged<ApiTokenResponse>))]
[JsonSerializable(typeof(TenantResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(FeaturesResponse))]
internal sealed partial class TenantraJsonContext : JsonSerializerContext;
