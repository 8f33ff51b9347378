using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Agents;
using Tenantra.Core.Tenancy;
using Tenantra.Data;

namespace Tenantra.Server.Agents;

/// <summary>The asset whose agent signed the current request (set by <see cref="AgentSignatureMiddleware"/>).</summary>
public sealed class AgentCaller
{
    public Asset Asset { get; set; } = null!;

    /// <summary>The request body exactly as signed and sent.</summary>
    public byte[] Body { get; set; } = [];
}

/// <summary>Marks an endpoint that only a signed agent may call (checked by <see cref="AgentSignatureMiddleware"/>).</summary>
public sealed class AgentSignatureRequired
{
    public static readonly AgentSignatureRequired Instance = new();

    private AgentSignatureRequired()
    {
    }
}

/// <summary>
/// Admits a request to the agent API only when it is signed per <see cref="AgentRequestSignature"/>
/// by the key of a known, unrevoked agent of an active tenant, within the allowed clock skew, with a
/// nonce never used before (the nonce is recorded before the handler runs; a replay meets its row).
/// Revocation is read from the database on every request, so it takes effect at once. On success the
/// request's tenant scope is the agent's tenant and nothing else. It runs before the endpoint binds
/// the body, so nothing an unsigned caller sends is parsed.
/// </summary>
internal sealed class AgentSignatureMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, TenantraDbContext db, AgentCaller caller, TimeProvider clock, IProblemDetailsService problems)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AgentSignatureRequired>() is null)
        {
            await next(http);
            return;
        }

        if (await RefusalAsync(http, db, caller, clock) is { } refusal)
        {
            http.Response.StatusCode = refusal.Status;
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = refusal.Status, Title = refusal.Title, Detail = refusal.Detail } });
            return;
        }

        await next(http);
    }

    private sealed record Refusal(int Status, string Title, string Detail);

    private static Refusal Unauthorized(string detail) => new(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>Null when the request is a valid signed agent request (and <paramref name="caller"/> is set).</summary>
    private static async Task<Refusal?> RefusalAsync(HttpContext http, TenantraDbContext db, AgentCaller caller, TimeProvider clock)
    {
        var headers = http.Request.Headers;
        string? agent = headers[AgentRequestSignature.AgentHeader], timestamp = headers[AgentRequestSignature.TimestampHeader];
        string? nonce = headers[AgentRequestSignature.NonceHeader], signature = headers[AgentRequestSignature.SignatureHeader];
        if (!Guid.TryParse(agent, out var agentId) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || nonce is not { Length: >= 16 and <= 64 } || signature is not { Length: > 0 and <= 200 })
        {
            return Unauthorized("Sign agent requests: the agent, timestamp, nonce and signature headers are required.");
        }

        var now = clock.GetUtcNow();
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > AgentRequestSignature.MaxClockSkew.TotalSeconds)
        {
            return Unauthorized("The request timestamp is more than 300 seconds from the server's clock; check the agent's time.");
        }

        var lookup = Asset.LookupFor(agentId);
        db.Scope.AllowLookup(lookup);
        var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.AgentLookup == lookup);
        if (asset is null || asset.Id != agentId || asset.RevokedAt is not null)
        {
            return Unauthorized("The agent is unknown or revoked; enroll it again.");
        }

        var body = await ReadBodyAsync(http.Request);
        var path = http.Request.Path.Value + http.Request.QueryString.Value;
        using (var key = AgentRequestSignature.ImportPublicKey(asset.PublicKey))
        {
            if (key is null || !AgentRequestSignature.Verify(key, http.Request.Method, path, seconds, nonce, body, signature))
            {
                return Unauthorized("The request signature does not verify with the agent's key.");
            }
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == asset.TenantId && t.Status == TenantStatus.Active))
        {
            return new Refusal(StatusCodes.Status403Forbidden, "Forbidden", "The agent's tenant is suspended or deleted.");
        }

        db.Scope.Enter(asset.TenantId);
        db.AgentNonces.Add(new AgentNonce { TenantId = asset.TenantId, AssetId = asset.Id, Nonce = nonce, SeenAt = now });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Unauthorized("The nonce was used before: replayed requests are refused.");
        }

        caller.Asset = asset;
        caller.Body = body;
        return null;
    }

    /// <summary>The body exactly as sent (buffered by the pipeline), for the signature's body hash.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        if (!request.Body.CanSeek)
        {
            request.EnableBuffering();
        }

        request.Body.Position = 0;
        // The length is known and already within the limits (TenantraApp.LimitRequestBody): one buffer of that size.
        using var copy = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, SnapshotSchema.MaxCompressedBytes));
        await request.Body.CopyToAsync(copy, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return copy.Length == copy.Capacity ? copy.GetBuffer() : copy.ToArray();
    }
}
