using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Dashboard.Api;
using StriveNetwork.Dashboard.Components;
using StriveNetwork.Dashboard.Components.Pages;
using StriveNetwork.Dashboard.Import;
using StriveNetwork.Dashboard.Live;
using StriveNetwork.Dashboard.Session;

namespace StriveNetwork.Dashboard.Hosting;

/// <summary>Registers and maps the dashboard in the silo's web application, on its own port.</summary>
public static class DashboardHosting
{
    /// <summary>
    /// The dashboard's services: Razor components (static server rendering only), antiforgery, the session cookie, the
    /// API channel. With <paramref name="keyDirectory"/> the Data Protection key ring (which encrypts the session cookie
    /// and the antiforgery tokens) is kept there, so a restart keeps people signed in; the caller creates it
    /// owner-only. Without, the process default applies (docs/dashboard.md, "Session and CSRF"). The import page spools
    /// uploads and problem reports in <paramref name="spoolDirectory"/>, or without one in a folder of this process
    /// (<see cref="ImportSpool"/>).
    /// </summary>
    public static IServiceCollection AddStriveDashboard(this IServiceCollection services, string? keyDirectory = null, string? spoolDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRazorComponents();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "strive_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__RequestVerificationToken";
        });
        services.AddDataProtection().SetApplicationName("StriveNetwork.Dashboard");
        if (keyDirectory is not null)
        {
            services.Configure<KeyManagementOptions>(o => o.XmlRepository = new OwnerOnlyKeyRing(keyDirectory));
        }

        services.AddSingleton<SessionCookie>();
        services.AddSingleton<ApiChannel>();
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<KnownCohorts>();
        services.AddSingleton<Trends.TrendReader>();
        services.AddSingleton(_ => new ImportSpool(spoolDirectory));
        services.AddSingleton<ImportJobs>();
        return services;
    }

    /// <summary>
    /// Maps the dashboard on <paramref name="port"/> (nothing when 0): its middleware runs only for connections to that
    /// port and its endpoints answer only there, so the gRPC port serves no page and this port no gRPC.
    /// </summary>
    public static void MapStriveDashboard(this WebApplication app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (port == 0)
        {
            return;
        }

        var host = $"*:{port}";
        app.UseWhen(context => context.Connection.LocalPort == port, branch =>
        {
            branch.Use(SecurityHeaders.InvokeAsync);
            branch.Use(async (context, next) =>
            {
                // Only the dashboard's own endpoints answer on this port: the gRPC services (mapped for every host, and
                // reachable here by h2c prior knowledge) must not.
                if (context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<IHostMetadata>()?.Hosts.Contains(host, StringComparer.Ordinal) != true)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await next(context).ConfigureAwait(false);
            });
            branch.Use(async (context, next) =>
            {
                if (!StaticAssets.IsAssetPath(context.Request.Path) || !await StaticAssets.TryServeAsync(context).ConfigureAwait(false))
                {
                    await next(context).ConfigureAwait(false);
                }
            });
            branch.Use(SessionGate.InvokeAsync);
            branch.UseAntiforgery();
        });

        SignInEndpoints.Map(app, host);
        NetworkEvents.Map(app, host);
        ImportEndpoints.Map(app, host);
        app.MapRazorComponents<App>().RequireHost(host);
        app.MapFallback(() => new RazorComponentResult<NotFoundPage> { StatusCode = StatusCodes.Status404NotFound }).RequireHost(host);
    }

    /// <summary>The address the dashboard calls the API on: loopback when the silo listens on every address.</summary>
    public static Uri LoopbackAddress(string listenAddress, int grpcPort)
    {
        var host = listenAddress switch
        {
            "0.0.0.0" => "127.0.0.1",
            "::" => "[::1]",
            _ when listenAddress.Contains(':', StringComparison.Ordinal) => $"[{listenAddress}]",
            _ => listenAddress,
        };
        return new Uri($"http://{host}:{grpcPort}");
    }
}
