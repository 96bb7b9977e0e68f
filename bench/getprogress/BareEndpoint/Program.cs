using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using StriveNetwork.Bench.BareEndpoint;

// Usage: StriveNetwork.Bench.BareEndpoint <response-file> [port]
// Serves every POST /<service>/<method> (GetProgress in bench/getprogress, GetPartnership in bench/unary) over h2c on
// 127.0.0.1 with the bytes of <response-file> (a length-prefixed gRPC message captured from the silo) and
// grpc-status 0: the cost of HTTP/2 and Kestrel alone, with none of gRPC's, the token check's or Orleans' work.
// Prints "bare listening on 127.0.0.1:PORT" once ready.
if (args.Length is < 1 or > 2)
{
    await Console.Error.WriteLineAsync("usage: StriveNetwork.Bench.BareEndpoint <response-file> [port]").ConfigureAwait(false);
    return 2;
}

var response = await File.ReadAllBytesAsync(args[0]).ConfigureAwait(false);
var port = args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var builder = WebApplication.CreateSlimBuilder(args[..0]);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
await using var app = builder.Build();
app.MapPost("/{service}/{method}", context => BareAnswer.AnswerAsync(context, response));
await app.StartAsync().ConfigureAwait(false);
var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
await Console.Out.WriteLineAsync($"bare listening on 127.0.0.1:{bound}").ConfigureAwait(false);
await Console.Out.FlushAsync().ConfigureAwait(false);
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

namespace StriveNetwork.Bench.BareEndpoint
{
    /// <summary>The whole of the baseline's per-request work.</summary>
    internal static class BareAnswer
    {
        public static async Task AnswerAsync(HttpContext context, byte[] response)
        {
            // Drain the request as a gRPC server must before answering (h2load sends the same small body each time).
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
            context.Response.AppendTrailer("grpc-status", "0");
        }
    }
}
