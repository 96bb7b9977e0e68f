using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Limits;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace StriveNetwork.Gateway;

/// <summary>
/// <c>grpc.health.v1.Health</c> for the whole server ("") and each strive.v1 service. It answers SERVING only while
/// the silo says it is ready (<see cref="SetServing"/>), the host has started, and the host is not stopping; every
/// other moment (starting, silo not active yet, shutting down) it answers NOT_SERVING. Watch streams end with
/// UNAVAILABLE when the host stops, after telling NOT_SERVING, so they never hold a shutdown up. A Watch needs no
/// token, so it also ends after <see cref="GatewayLimits.PublicStreamLifetime"/> with DEADLINE_EXCEEDED; clients
/// watch again (the first message of a new watch is the current status).
/// </summary>
public sealed partial class GatewayHealth : Grpc.Health.V1.Health.HealthBase, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ILogger<GatewayHealth> _logger;
    private readonly TimeSpan _watchLifetime;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenRegistration _onStarted;
    private readonly CancellationTokenRegistration _onStopping;
    private bool _siloReady;
    private bool _hostStarted;
    private bool _hostStopping;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the service and follows the host's start and stop.</summary>
    public GatewayHealth(IHostApplicationLifetime lifetime, IOptions<GatewayLimits> limits, TimeProvider timeProvider, ILogger<GatewayHealth> logger)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(limits);
        _logger = logger;
        _watchLifetime = limits.Value.PublicStreamLifetime;
        _timeProvider = timeProvider;
        // Register runs the callback at once when the event already happened (created after start, or while stopping).
        _onStarted = lifetime.ApplicationStarted.Register(() => Update(() => _hostStarted = true));
        _onStopping = lifetime.ApplicationStopping.Register(() => Update(() => _hostStopping = true));
    }

    /// <summary>The names this service reports on: "" (the server) and every strive.v1 service.</summary>
    public static IReadOnlyList<string> ServiceNames { get; } =
    [
        string.Empty,
        .. new[]
        {
            V1.PartnershipReflection.Descriptor, V1.IndicatorReflection.Descriptor, V1.CohortReflection.Descriptor,
            V1.NetworkReflection.Descriptor, V1.FrameworkReflection.Descriptor, V1.AdminReflection.Descriptor,
        }.SelectMany(file => file.Services).Select(service => service.FullName),
    ];

    /// <summary>Whether the server answers SERVING now.</summary>
    public bool IsServing
    {
        get
        {
            lock (_lock)
            {
                return ServingNow();
            }
        }
    }

    /// <summary>
    /// Called by the silo host: true once the silo is active (grain calls can be served), false when it starts to
    /// stop or loses the cluster. SERVING also needs the host started and not stopping.
    /// </summary>
    public void SetServing(bool serving) => Update(() => _siloReady = serving);

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsKnown(request.Service)
            ? Task.FromResult(new HealthCheckResponse { Status = IsServing ? ServingStatus.Serving : ServingStatus.NotServing })
            : throw GatewayErrors.Of(StatusCode.NotFound, "service: unknown service name");
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var known = IsKnown(request.Service);
        ServingStatus? sent = null;
        using var expiry = new CancellationTokenSource(_watchLifetime, _timeProvider);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, expiry.Token);
        while (true)
        {
            Task changed;
            ServingStatus status;
            bool stopping;
            lock (_lock)
            {
                changed = _changed.Task;
                status = !known ? ServingStatus.ServiceUnknown : ServingNow() ? ServingStatus.Serving : ServingStatus.NotServing;
                stopping = _hostStopping;
            }

            if (status != sent)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                sent = status;
            }

            if (stopping)
            {
                throw GatewayErrors.ShuttingDown();
            }

            try
            {
                await changed.WaitAsync(ended.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (expiry.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                throw GatewayErrors.Of(StatusCode.DeadlineExceeded, string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"a health watch lasts at most {_watchLifetime.TotalSeconds:0.###} s (limit PublicStreamLifetime); watch again"));
            }
        }
    }

    public void Dispose()
    {
        _onStarted.Dispose();
        _onStopping.Dispose();
    }

    private static bool IsKnown(string service) => ServiceNames.Contains(service, StringComparer.Ordinal);

    private bool ServingNow() => _siloReady && _hostStarted && !_hostStopping;

    private void Update(Action change)
    {
        bool before, after;
        TaskCompletionSource changed;
        lock (_lock)
        {
            before = ServingNow();
            change();
            after = ServingNow();
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Watchers re-read on every change (also "stopping", which ends them even without a status change).
        changed.TrySetResult();
        if (before != after)
        {
            LogServingChanged(_logger, after ? "SERVING" : "NOT_SERVING");
        }
    }

    [LoggerMessage(EventId = 6030, EventName = "HealthChanged", Level = LogLevel.Information, Message = "Health is now {Status}")]
    private static partial void LogServingChanged(ILogger logger, string status);
}
