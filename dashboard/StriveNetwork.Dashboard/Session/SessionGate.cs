using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Dashboard.Hosting;

namespace StriveNetwork.Dashboard.Session;

/// <summary>
/// Every dashboard path except the sign-in page and the static files needs a session: without a valid cookie a
/// request is redirected (302) to <c>/signin</c>.
/// </summary>
internal static class SessionGate
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (path.Equals("/signin", StringComparison.Ordinal) || StaticAssets.IsAssetPath(path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var person = context.RequestServices.GetRequiredService<SessionCookie>().Read(context);
        if (person is null)
        {
            context.Response.Redirect("/signin");
            return;
        }

        CurrentPerson.Set(context, person);
        await next(context).ConfigureAwait(false);
    }
}
