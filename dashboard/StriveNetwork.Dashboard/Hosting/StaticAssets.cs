using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace StriveNetwork.Dashboard.Hosting;

/// <summary>
/// The files of <c>wwwroot</c> (the site's CSS and scripts, and the npm libraries the build copies into
/// <c>wwwroot/lib</c>), embedded in the assembly and served from memory: the silo needs no content folder, in a
/// container as in <c>dotnet run</c>.
/// </summary>
internal static class StaticAssets
{
    private const string Prefix = "wwwroot";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [""] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ETag)> Files = Load();

    /// <summary>Whether <paramref name="path"/> is under one of the static folders (served without a session).</summary>
    public static bool IsAssetPath(PathString path) =>
        path.StartsWithSegments("/css", StringComparison.Ordinal) || path.StartsWithSegments("/js", StringComparison.Ordinal)
        || path.StartsWithSegments("/lib", StringComparison.Ordinal) || path.Equals("/favicon.ico", StringComparison.Ordinal);

    /// <summary>Serves the request's file when it is one; returns false otherwise (the caller answers 404).</summary>
    public static async Task<bool> TryServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return false;
        }

        if (!Files.TryGetValue(path, out var file))
        {
            return false;
        }

        var headers = context.Response.Headers;
        headers.ETag = file.ETag;
        headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == file.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }

        context.Response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        context.Response.ContentLength = file.Bytes.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(file.Bytes, context.RequestAborted).ConfigureAwait(false);
        }

        return true;
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix + "/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            files[name[Prefix.Length..]] = (bytes, etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
