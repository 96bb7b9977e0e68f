using System.Net.Http.Headers;
using System.Text;
using Orleans.Dashboard;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Silo.Hosting;

/// <summary>
/// The Orleans Dashboard for operators, on its own port and only for NETWORK_ADMIN tokens. Browsers send the token as
/// the password of HTTP Basic authentication (any user name); scripts may send <c>Authorization: Bearer</c>.
/// </summary>
internal static class OperatorDashboard
{
    private const string Challenge = "Basic realm=\"StriveNetwork operators\", charset=\"UTF-8\"";

    /// <summary>Maps the dashboard on <paramref name="port"/> behind the admin token; does nothing when the port is 0.</summary>
    public static void Map(WebApplication app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (port == 0)
        {
            return;
        }

        app.UseWhen(context => context.Connection.LocalPort == port, branch => branch.Use(RequireAdminAsync));
        app.MapOrleansDashboard().RequireHost($"*:{port}");
    }

    private static async Task RequireAdminAsync(HttpContext context, RequestDelegate next)
    {
        var secret = Secret(context.Request.Headers.Authorization.ToString());
        if (secret is not null)
        {
            var authenticator = context.RequestServices.GetRequiredService<TokenAuthenticator>();
            var (token, rejection) = await authenticator.AuthenticateAsync(secret, context.RequestAborted).ConfigureAwait(false);
            if (rejection == TokenRejection.None && token is { Role: TokenRole.NetworkAdmin })
            {
                await next(context).ConfigureAwait(false);
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = Challenge;
    }

    private static string? Secret(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter) || value.Parameter.Length > 512)
        {
            return null;
        }

        if (string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Parameter;
        }

        if (!string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
