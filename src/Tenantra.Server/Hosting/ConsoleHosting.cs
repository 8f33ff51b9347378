using Microsoft.Net.Http.Headers;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Hosting;

/// <summary>
/// Serves the built web console (web/dist, copied to <c>wwwroot</c> by the build): hashed assets
/// cached for a year, <c>index.html</c> never cached, and every path that is not an API, health,
/// metrics or OpenAPI route answered with <c>index.html</c> so the console's own routes can be
/// linked and reloaded. Unknown <c>/api</c> paths stay 404 problem details.
/// </summary>
public static class ConsoleHosting
{
    /// <summary>
    /// The console loads only its own scripts and styles and talks only to this origin. Inline
    /// styles are allowed because layout libraries set style attributes; inline scripts are not.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        return next(context);
    });

    public static IApplicationBuilder UseConsoleFiles(this IApplicationBuilder app) => app.UseStaticFiles(new StaticFileOptions
    {
        OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
            context.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache",
    });

    public static void MapConsole(this IEndpointRouteBuilder routes)
    {
        routes.MapFallback("/api/{**rest}", () => Problems.NotFound("Endpoint")).AllowAnonymous().ExcludeFromDescription();
        routes.MapFallbackToFile("{**path:nonfile}", "index.html", new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        }).AllowAnonymous();
    }
}
