using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Tenantra.Agent.Contracts;
using Tenantra.Core.Security;
using Tenantra.Data;
using Tenantra.Server.Agents;
using Tenantra.Server.Audit;
using Tenantra.Server.Exports;
using Tenantra.Server.Identity;
using Tenantra.Server.Integrity;
using Tenantra.Server.Notifications;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Platform.Metrics;
using Tenantra.Server.Platform.Workers;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Hosting;

/// <summary>
/// Composition of the server: services, the request pipeline and the endpoints of every
/// feature. The CLI, the tests and the benchmarks all build the application through here.
/// </summary>
public static class TenantraApp
{
    /// <summary>Largest request body accepted by the API.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        return builder;
    }

    public static void AddTenantraServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        database.DataDirectory = configuration["Tenantra:DataDirectory"] ?? database.DataDirectory;
        services.AddTenantraDatabase(database);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SecretProtector(LoadMasterKey(configuration, database.DataDirectory)));
        services.AddSingleton(configuration.GetSection(TenantLifecycleOptions.Section).Get<TenantLifecycleOptions>() ?? new TenantLifecycleOptions());

        services.AddSingleton<PayloadKeyRing>();
        services.AddScoped<AgentCaller>();
        services.AddScoped<SnapshotIngestion>();
        services.AddScoped<CollectionPolicies>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["requestId"] = c.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Bad bodies and parameters throw (in every environment) so ProblemExceptionHandler can name the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.MaxDepth = 32;
            // Numbers are JSON numbers: "5" is refused, and the OpenAPI types say `integer`, not `integer | string`.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, TenantraJsonContext.Default);
        });
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Tenantra API";
                document.Info.Version = "v1";
                document.Info.Description = "Multi-tenant visibility, integrity and compliance for MSPs. Authenticate with the session cookie (console) or `Authorization: Bearer tnt_…` (API tokens).";
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer<OptionalRequestFields>();
            o.AddSchemaTransformer<EnumFilterSchema>();
            o.CreateSchemaReferenceId = type => EnumFilterSchema.IsEnumFilter(type.Type) ? null : Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        });

        // Behind a reverse proxy: client address (audit, rate limits) and scheme (Secure cookies) come from
        // X-Forwarded-For/-Proto, trusted only from loopback and the addresses in Tenantra:TrustedProxies.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in (configuration["Tenantra:TrustedProxies"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        services.AddTenantraIdentity(configuration);
        services.AddScoped<TenantAccessService>();
        var workers = configuration.GetValue("Tenantra:Workers:Enabled", true);
        services.AddTenantraAudit(configuration, workers);
        services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, TenantRequirementHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddTenantraRateLimiting(configuration);
        services.AddTenantraMetrics();
        services.AddSingleton<DatabaseXmlRepository>();
        services.AddDataProtection().SetApplicationName("tenantra");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<DatabaseXmlRepository>((o, repository) => o.XmlRepository = repository);

        services.AddSingleton<WorkerRegistry>();
        services.AddScoped<JobQueue>();
        services.AddSingleton<ExportStorage>();
        services.AddSingleton(new PdfExportOptions { WeasyPrintPath = configuration["Tenantra:Exports:WeasyPrintPath"] ?? "weasyprint" });
        services.AddScoped<ExportAccess>();
        services.AddJobHandler<ExportJobHandler>(ExportJobHandler.Kind);
        services.AddTenantraNotifications(configuration);
        services.AddTenantraIntegrity(configuration);
        services.AddSingleton<Bootstrapper>();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        if (workers)
        {
            services.AddHostedService<TenantPurgeWorker>();
            services.AddHostedService<AgentNoncePurgeWorker>();
            services.AddHostedService<JobWorker>();
        }
    }

    public static void UseTenantraPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseConsoleFiles();
        app.UseRouting();
        app.UseConsoleRoutes();
        app.UseHttpMetrics();
        app.Use(LimitRequestBody);
        app.Use(HoldDatabaseConnection);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<AgentSignatureMiddleware>();
        app.UseSessionAntiforgery();
        app.UseAuthorization();

        app.MapOpenApi("/openapi/v1.json").WithName("GetOpenApiDocument");
        app.MapMetrics();
        app.MapPlatformEndpoints();
        app.MapAuthEndpoints();
        app.MapExportEndpoints();
        app.MapNotificationEndpoints();
        app.MapTenantEndpoints();
        app.MapUserEndpoints();
        app.MapMembershipEndpoints();
        app.MapInvitationEndpoints();
        app.MapApiTokenEndpoints();
        app.MapAuditEndpoints();
        app.MapAgentEndpoints();
        app.MapEnrollmentTokenEndpoints();
        app.MapAssetEndpoints();
        app.MapIntegrityEndpoints();
    }

    /// <summary>Refuses bodies over <see cref="MaxRequestBodyBytes"/> before they are read, whatever the server in front.</summary>
    private static async Task LimitRequestBody(HttpContext context, RequestDelegate next)
    {
        // Snapshot uploads are the one larger body (gzip, with their own decompressed limit).
        var max = context.Request.Path.StartsWithSegments("/api/v1/agent/snapshots") ? SnapshotSchema.MaxCompressedBytes : MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 413, Title = "The request body is too large.", Detail = $"The limit is {max} bytes." },
            });
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
        else if (context.Request.ContentLength is null)
        {
            // A chunked body on a server without a body limit: count as it is read.
            context.Request.Body = new LengthLimitedStream(context.Request.Body, max);
        }

        await next(context);
    }

    /// <summary>
    /// Opens the request's database connection once and keeps it until the request ends, instead
    /// of one pooled open per query: an API request runs several queries, and on PostgreSQL each
    /// open also re-sets the row-level-security settings. The body (at most 1 MiB) is read first,
    /// so a client that sends slowly holds a request, never a pooled connection.
    /// </summary>
    private static async Task HoldDatabaseConnection(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                context.Request.EnableBuffering(bufferThreshold: 64 * 1024); // size is already capped by LimitRequestBody and the server
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Request.Body.Position = 0;
            }

            await context.RequestServices.GetRequiredService<TenantraDbContext>().Database.OpenConnectionAsync(context.RequestAborted);
        }

        await next(context);
    }

    /// <summary>The 32-byte key that encrypts secrets at rest: <c>Tenantra:MasterKey</c> (base64), else a key file in the data directory.</summary>
    private static byte[] LoadMasterKey(ConfigurationManager configuration, string dataDirectory) =>
        configuration["Tenantra:MasterKey"] is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : SecretProtector.LoadOrCreateKeyFile(Path.Combine(dataDirectory, "master.key"));
}
