using Tenantra.Server.Platform;

namespace Tenantra.Server.Identity;

/// <summary>
/// Credential operations (passwords, second factor, reset tokens) need a signed-in session: an
/// API token must never be able to turn itself into a full session of its owner or anyone else.
/// </summary>
public static class SessionOnly
{
    public static TBuilder RequireSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<Caller>().IsToken
                ? Problems.Forbidden("API tokens cannot manage passwords, second factors or reset tokens; sign in to do that.")
                : await next(context));
}
