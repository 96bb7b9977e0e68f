using Microsoft.AspNetCore.Http;

namespace StriveNetwork.Dashboard.Hosting;

/// <summary>
/// Headers on every dashboard response: a Content-Security-Policy that allows only the site's own scripts, styles and
/// connections (no inline script or style: chart data travels in <c>application/json</c> blocks and <c>data-*</c>
/// attributes), no framing, no MIME sniffing, no referrer; pages are never cached.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The policy, word for word as docs/dashboard.md gives it.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (!StaticAssets.IsAssetPath(context.Request.Path))
        {
            headers.CacheControl = "no-store";
        }

        return next(context);
    }
}
