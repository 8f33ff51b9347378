using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Tenantra.Server.Hosting;

/// <summary>
/// Serves the built web console (web/dist, copied to <c>wwwroot</c> by the build): hashed assets
/// cached for a year, <c>index.html</c> never cached, and every other GET that no endpoint takes
/// answered with <c>index.html</c> so the console's own routes can be linked and reloaded.
/// Unknown <c>/api</c> paths stay 404 problem details.
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

    /// <summary>Configuration key of a directory to serve the console from instead of <c>wwwroot</c>.</summary>
    public const string DirectorySetting = "Tenantra:Console:Directory";

    public static IApplicationBuilder UseConsoleFiles(this WebApplication app) => app.UseStaticFiles(new StaticFileOptions
    {
        FileProvider = ConsoleFiles(app),
        OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
            context.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache",
    });

    /// <summary>
    /// After routing: a GET for a path no endpoint took, outside <c>/api</c> and without a file
    /// extension, is one of the console's own routes: answer with <c>index.html</c>. (A route-table
    /// fallback would also catch other methods on API paths and turn their 404s into 405s.)
    /// </summary>
    public static IApplicationBuilder UseConsoleRoutes(this WebApplication app)
    {
        var files = ConsoleFiles(app);
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (context.GetEndpoint() is null
                && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                && !request.Path.StartsWithSegments("/api")
                && !Path.HasExtension(request.Path.Value)
                && files.GetFileInfo("index.html") is { Exists: true } index)
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.SendFileAsync(index);
                return;
            }

            await next(context);
        });
    }

    private static IFileProvider ConsoleFiles(WebApplication app) =>
        app.Configuration[DirectorySetting] is { Length: > 0 } directory
            ? new PhysicalFileProvider(Path.GetFullPath(directory))
            : app.Environment.WebRootFileProvider;
}
