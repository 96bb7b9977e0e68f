using System.Globalization;
using System.Net;
using Google.Protobuf;
using Grpc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StriveNetwork.Grpc.Health;
using StriveNetwork.Grpc.Protocol;
using StriveNetwork.Grpc.Reflection;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Grpc.Interop;

/// <summary>Command-line settings of the interop host.</summary>
public sealed record InteropHostOptions(int Port, bool ExitOnStdinEof, bool BareEndpoint)
{
    /// <summary>Parses <c>--port N [--exit-on-stdin-eof] [--bare-endpoint]</c>.</summary>
    public static InteropHostOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var port = 0;
        var exitOnEof = false;
        var bare = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Count:
                    port = int.Parse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case var a when a.StartsWith("--port=", StringComparison.Ordinal):
                    port = int.Parse(a["--port=".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "--exit-on-stdin-eof":
                    exitOnEof = true;
                    break;
                case "--bare-endpoint":
                    bare = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: --port N [--exit-on-stdin-eof] [--bare-endpoint]");
            }
        }

        return new InteropHostOptions(port, exitOnEof, bare);
    }
}

/// <summary>Builds the interop web application (TestService, health, reflection, optional bare endpoint).</summary>
public static class InteropHost
{
    /// <summary>Path of the bare-Kestrel comparison endpoint.</summary>
    public const string BarePath = "/bare.Bench/UnaryCall";

    /// <summary>The request used by the benchmark: 64 zero bytes in, 64 zero bytes out.</summary>
    public static SimpleRequest BenchRequest { get; } = new()
    {
        ResponseSize = 64,
        Payload = new Payload { Body = ByteString.CopyFrom(new byte[64]) },
    };

    /// <summary>Creates the application bound to 127.0.0.1:<paramref name="options"/>.Port over h2c.</summary>
    public static WebApplication Build(InteropHostOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.ListenGrpc(IPAddress.Loopback, options.Port, new GrpcKestrelLimits { MaxStreamsPerConnection = 256 });
        });
        builder.Services.AddGrpcServer();
        builder.Services.AddInteropTestService();
        builder.Services.AddGrpcHealth();
        builder.Services.AddGrpcReflection();

        var app = builder.Build();
        app.MapGrpcServices();
        if (options.BareEndpoint)
        {
            MapBareEndpoint(app);
        }

        return app;
    }

    /// <summary>The port the started application listens on.</summary>
    public static int BoundPort(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }

    private static void MapBareEndpoint(WebApplication app)
    {
        // Same response bytes as UnaryCall(BenchRequest) without any gRPC layer: drain the body, write, trailer.
        var message = new SimpleResponse { Payload = new Payload { Body = ByteString.CopyFrom(new byte[BenchRequest.ResponseSize]) } }.ToByteArray();
        var framed = new byte[GrpcFrameParser.HeaderSize + message.Length];
        GrpcFrameParser.WriteHeader(framed, compressed: false, message.Length);
        message.CopyTo(framed, GrpcFrameParser.HeaderSize);
        app.MapPost(BarePath, async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            context.Response.ContentType = GrpcProtocol.ContentType;
            await context.Response.BodyWriter.WriteAsync(framed, context.RequestAborted).ConfigureAwait(false);
            context.Response.AppendTrailer(GrpcProtocol.StatusHeader, "0");
        });
    }
}
