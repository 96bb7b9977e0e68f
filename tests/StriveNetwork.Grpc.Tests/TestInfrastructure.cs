using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StriveNetwork.Grpc.Client;
using StriveNetwork.Grpc.Health;
using StriveNetwork.Grpc.Interop;
using StriveNetwork.Grpc.Reflection;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Grpc.Tests;

/// <summary>An in-process Kestrel server on 127.0.0.1 ephemeral ports: one h2c port and one HTTP/1.1 port.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address, Uri http1Address)
    {
        _app = app;
        Address = address;
        Http1Address = http1Address;
        Client = new GrpcChannelClient(address);
    }

    public Uri Address { get; }

    public Uri Http1Address { get; }

    public GrpcChannelClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(Action<IServiceCollection>? services = null, Action<GrpcServerOptions>? options = null, bool interop = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? h2 = null;
        ListenOptions? h1 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(IPAddress.Loopback, 0, configure: listen => h2 = listen);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                h1 = listen;
            });
        });
        builder.Services.AddGrpcServer(options);
        if (interop)
        {
            builder.Services.AddInteropTestService();
        }

        builder.Services.AddGrpcHealth();
        builder.Services.AddGrpcReflection();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcServices();
        await app.StartAsync();
        // Kestrel writes the bound port back into each ListenOptions.
        return new TestServer(app, new Uri($"http://127.0.0.1:{h2!.IPEndPoint!.Port}/"), new Uri($"http://127.0.0.1:{h1!.IPEndPoint!.Port}/"));
    }

    public HttpClient CreateRawHttp2Client() => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A TimeProvider whose clock only moves when the test says so.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public int ActiveTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt is { } at && at <= _now).ToList();
            foreach (var timer in due)
            {
                timer.DueAt = null;
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                DueAt = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Waits for a condition with a hard bound, polling without relying on timing for correctness.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting: " + because);
            }

            await Task.Delay(10);
        }
    }
}
