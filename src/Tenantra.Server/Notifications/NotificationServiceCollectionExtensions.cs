using Tenantra.Server.Exports;
using Tenantra.Server.Platform.Jobs;

namespace Tenantra.Server.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>The publisher, routing and delivery jobs, the channels and the ledger export.</summary>
    public static IServiceCollection AddTenantraNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddScoped<NotificationPublisher>();
        services.AddJobHandler<NotificationRouter>(NotificationRouter.Kind);
        services.AddJobHandler<NotificationDeliverer>(NotificationDeliverer.Kind);
        services.AddSingleton<EmailSender>();
        services.AddSingleton<HookSender>();
        services.AddExportDataset<NotificationLedgerExport>(NotificationLedgerExport.DatasetKey);
        var allowPrivate = configuration.GetValue($"{NotificationOptions.Section}:AllowPrivateAddresses", false);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue($"{NotificationOptions.Section}:TimeoutSeconds", 10), 1, 120));
        services.AddHttpClient(HookSender.HttpClientName, client => client.Timeout = timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = (context, cancellationToken) => EndpointAddressGuard.ConnectAsync(context, allowPrivate, cancellationToken),
            });
        return services;
    }

    public static void MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapInboxEndpoints();
        routes.MapPreferenceEndpoints();
        routes.MapNotificationEndpointEndpoints();
        routes.MapLedgerEndpoints();
    }
}
