using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Limits;

namespace StriveNetwork.Gateway.Tests;

/// <summary>One captured log entry.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>
/// The gateway alone on Kestrel (h2c, 127.0.0.1), with no silo: its grain factory throws what the test chooses, so
/// the status mapping can be driven by any exception. Logs are captured.
/// </summary>
public sealed class BareGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareGateway(WebApplication app, ThrowingGrainFactory grains, LogCapture logs)
    {
        _app = app;
        Grains = grains;
        Logs = logs;
        Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Channel = GrpcChannel.ForAddress(Address);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public ThrowingGrainFactory Grains { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Signals ApplicationStopping (as the first step of a shutdown) without stopping the server.</summary>
    public void BeginStopping() => _app.Lifetime.StopApplication();

    /// <summary>Starts the gateway; <paramref name="limits"/> changes <see cref="GatewayLimits"/>, which apply to Kestrel as in the silo.</summary>
    public static async Task<BareGateway> StartAsync(Action<GatewayLimits>? limits = null)
    {
        var configured = new GatewayLimits();
        limits?.Invoke(configured);
        var grains = DispatchProxy.Create<IGrainFactory, ThrowingGrainFactory>();
        var logs = new LogCapture();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(k => k.ApplyGatewayLimits(configured).Listen(IPAddress.Loopback, 0, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            o.UseClientConnectionLimit(configured);
        }));
        builder.Services.Configure<GatewayLimits>(l => limits?.Invoke(l));
        builder.Services.AddSingleton((IGrainFactory)grains);
        builder.Services.AddStriveGateway();
        var app = builder.Build();
        app.MapStriveGateway();
        await app.StartAsync();
        return new BareGateway(app, (ThrowingGrainFactory)(object)grains, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An <see cref="IGrainFactory"/> whose every method throws <see cref="Failure"/> (a DispatchProxy: not sealed, by its contract).</summary>
public class ThrowingGrainFactory : DispatchProxy
{
    /// <summary>What the next grain call (any factory method) throws.</summary>
    public Func<Exception> Failure { get; set; } = () => new InvalidOperationException("no grains in this host");

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw Failure();
}

/// <summary>Collects every log entry of a host.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
