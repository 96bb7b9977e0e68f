using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Limits;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains;
using TokenRole = StriveNetwork.Grains.Abstractions.TokenRole;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// A real in-process host: Kestrel (h2c on 127.0.0.1, a free port) with the gateway over an Orleans silo on localhost
/// clustering with memory storage and the real grains, seeded with two partnerships, two cohorts, an indicator and one
/// token per role. Clients are Grpc.Net.Client channels.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    /// <summary>Bound of every wait for asynchronous settlement (outbox deliveries to partnership, cohorts, network).</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Lazy<Task>> _seeds = new(StringComparer.Ordinal);
    private Action<GatewayLimits>? _limits;
    private Action<ISiloBuilder>? _silo;
    private Action<IServiceCollection>? _services;
    private WebApplication? _app;
    private bool _stopped;

    /// <summary>Cohort whose members are alpha and beta.</summary>
    public const string AlphaCohort = "alpha-cohort";

    /// <summary>Cohort whose only member is beta.</summary>
    public const string BetaOnlyCohort = "beta-cohort";

    /// <summary>Indicator of alpha with observations for 2021 and 2022.</summary>
    public const string AlphaIndicator = "kr";

    /// <summary>A benchmark of the six-gateway framework that alpha has assessed.</summary>
    public const string Benchmark = "6G-EXP-SCV-1";

    /// <summary>The gateway's address, <c>http://127.0.0.1:port</c>.</summary>
    public string Address { get; private set; } = "";

    public GrpcChannel Channel { get; private set; } = null!;

    public string Admin { get; private set; } = "";

    /// <summary>Token id of <see cref="Admin"/>.</summary>
    public string AdminTokenId { get; private set; } = "";

    public string Viewer { get; private set; } = "";

    public string PartnershipAlpha { get; private set; } = "";

    public string Revoked { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>A started fixture whose <see cref="GatewayLimits"/> <paramref name="limits"/> changes (Kestrel's too, as in the silo).</summary>
    public static async Task<GatewayFixture> StartWithLimitsAsync(Action<GatewayLimits> limits)
    {
        var fixture = new GatewayFixture { _limits = limits };
        await fixture.InitializeAsync();
        return fixture;
    }

    /// <summary>
    /// A started fixture whose silo <paramref name="silo"/> configures further (e.g. a grain call filter) and whose
    /// services <paramref name="services"/> changes (e.g. <c>Configure&lt;UploadOptions&gt;</c>).
    /// </summary>
    public static async Task<GatewayFixture> StartWithAsync(Action<ISiloBuilder>? silo = null, Action<IServiceCollection>? services = null)
    {
        var fixture = new GatewayFixture { _silo = silo, _services = services };
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        var limits = new GatewayLimits();
        _limits?.Invoke(limits);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ApplyGatewayLimits(limits).Listen(IPAddress.Loopback, 0, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            o.UseClientConnectionLimit(limits);
        }));
        builder.Services.Configure<GatewayLimits>(l => _limits?.Invoke(l));
        var siloPort = FreeLoopbackPort();
        builder.Host.UseOrleans(silo =>
        {
            silo
                // Gateway port 0: no client gateway, the front door calls grains in-process. A cluster id per fixture
                // keeps the fixtures of parallel test classes apart.
                .UseLocalhostClustering(siloPort: siloPort, gatewayPort: 0, serviceId: "strive-gateway-tests", clusterId: "gw-" + Guid.NewGuid().ToString("N"))
                .AddMemoryGrainStorageAsDefault()
                .UseInMemoryReminderService()
                // What the silo host does: health turns SERVING once the silo is active.
                .AddStartupTask((services, _) =>
                {
                    services.GetRequiredService<GatewayHealth>().SetServing(true);
                    return Task.CompletedTask;
                });
            _silo?.Invoke(silo);
        });
        builder.Services.AddStriveGrains(s => s.MinimumN = 10);
        builder.Services.AddStriveGateway();
        _services?.Invoke(builder.Services);
        _app = builder.Build();
        _app.MapStriveGateway();
        await _app.StartAsync();
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Channel = GrpcChannel.ForAddress(Address);

        var issuer = _app.Services.GetRequiredService<TokenIssuer>();
        var bootstrap = (await issuer.BootstrapAsync())!;
        Admin = bootstrap.Secret;
        AdminTokenId = bootstrap.Token.TokenId;
        foreach (var id in new[] { "alpha", "beta" })
        {
            await CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(Admin, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
            {
                PartnershipId = id,
                Profile = Profile("toa-6g"),
            });
        }

        await CallAsync<CreateCohortRequest, CreateCohortResponse>(Admin, "CohortService/CreateCohort", new CreateCohortRequest
        {
            CohortId = AlphaCohort,
            DisplayName = "Alpha and beta",
            MemberIds = { "alpha", "beta" },
        });
        await CallAsync<CreateCohortRequest, CreateCohortResponse>(Admin, "CohortService/CreateCohort", new CreateCohortRequest
        {
            CohortId = BetaOnlyCohort,
            DisplayName = "Beta only",
            MemberIds = { "beta" },
        });
        await CallAsync<DefineIndicatorRequest, DefineIndicatorResponse>(Admin, "IndicatorService/DefineIndicator", new DefineIndicatorRequest
        {
            PartnershipId = "alpha",
            IndicatorId = AlphaIndicator,
            Definition = Definition(2021),
        });
        var observations = new SubmitObservationsRequest { PartnershipId = "alpha", IndicatorId = AlphaIndicator };
        observations.Observations.Add(Observation(2021, Gender.All, Population.AllStudents, 40, 100));
        observations.Observations.Add(Observation(2022, Gender.All, Population.AllStudents, 55, 100));
        await CallAsync<SubmitObservationsRequest, SubmitObservationsResponse>(Admin, "IndicatorService/SubmitObservations", observations);
        var assessment = new RecordAssessmentRequest { PartnershipId = "alpha" };
        assessment.Assessments.Add(Assessment(Benchmark, BenchmarkStatus.Met));
        await CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(Admin, "PartnershipService/RecordAssessment", assessment);

        Viewer = (await issuer.IssueAsync(TokenRole.NetworkViewer, null, "viewer", DateTimeOffset.UtcNow.AddDays(1), "test")).Secret;
        PartnershipAlpha = (await issuer.IssueAsync(TokenRole.Partnership, "alpha", "alpha system", DateTimeOffset.UtcNow.AddDays(1), "test")).Secret;
        var revoked = await issuer.IssueAsync(TokenRole.NetworkAdmin, null, "revoked admin", DateTimeOffset.UtcNow.AddDays(1), "test");
        await issuer.RevokeAsync(revoked.Token.TokenId, "test", string.Empty);
        Revoked = revoked.Secret;

        // The seed's writes reach the partnership, cohorts and network through outboxes after each call returned:
        // every test starts from the settled state.
        await EventuallyAsync(
            () => CallAsync<GetProgressRequest, GetProgressResponse>(Admin, "PartnershipService/GetProgress", new() { PartnershipId = "alpha" }),
            progress => progress.Designations.SelectMany(d => d.Criteria).Any(c => c.CountedIds.Contains(AlphaIndicator)),
            "alpha's progress to count indicator kr");
        await EventuallyAsync(
            () => CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(Admin, "NetworkService/GetNetworkRollup", new()),
            network => network.Rollup.PartnershipCount == 2,
            "the network rollup to hold alpha and beta");
    }

    /// <summary>
    /// Reads until the condition holds (the condition is the signal, not the clock), bounded by
    /// <see cref="SettleTimeout"/>; fails naming what it waited for and the last value read.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {SettleTimeout.TotalSeconds} s waiting for {what}; last read: {value}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Issues a PARTNERSHIP token for a registered partnership.</summary>
    public async Task<string> PartnershipTokenAsync(string partnershipId)
    {
        var issuer = Services.GetRequiredService<TokenIssuer>();
        return (await issuer.IssueAsync(TokenRole.Partnership, partnershipId, partnershipId + " system", DateTimeOffset.UtcNow.AddDays(1), "test")).Secret;
    }

    /// <summary>Runs <paramref name="seed"/> once per fixture for <paramref name="key"/> (test classes share their fixture).</summary>
    public Task OnceAsync(string key, Func<Task> seed) =>
        _seeds.GetOrAdd(key, _ => new Lazy<Task>(seed)).Value;

    public static IndicatorDefinition Definition(int baselineYear) => new()
    {
        DisplayName = "Kindergarten readiness",
        Outcome = Outcome.KindergartenReadiness,
        Kind = IndicatorKind.Core,
        Polarity = Polarity.HigherIsBetter,
        Unit = Unit.Percent,
        BaselineYear = baselineYear,
        DefinitionVersion = 1,
    };

    public static Observation Observation(int year, Gender gender, Population population, int numerator, int denominator) => new()
    {
        Year = year,
        Gender = gender,
        Population = population,
        Counts = new CellCounts { Numerator = numerator, Denominator = denominator },
    };

    public static BenchmarkAssessment Assessment(string benchmarkId, BenchmarkStatus status) => new()
    {
        BenchmarkId = benchmarkId,
        Status = status,
        AssessmentDate = new Date { Year = 2024, Month = 3, Day = 1 },
        Assessor = "J. Smith (data manager)",
    };

    public static PartnershipProfile Profile(string frameworkId) => new()
    {
        DisplayName = "Test partnership",
        UsState = "OH",
        GeographicScope = new GeographicScope { Level = GeographicScopeLevel.County, Description = "Test County" },
        FrameworkId = frameworkId,
    };

    public Task<TResponse> CallAsync<TRequest, TResponse>(string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        Channel.CallAsync<TRequest, TResponse>(token, method, request);

    /// <summary>The status a call ends with (OK when it succeeds).</summary>
    public Task<(StatusCode Code, string Message)> StatusOfAsync<TRequest, TResponse>(string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        Channel.StatusOfAsync<TRequest, TResponse>(token, method, request);

    /// <summary>
    /// A whole UploadObservations stream: the messages, then half-close; the response, or the status the stream
    /// ended with (response null).
    /// </summary>
    public Task<(StatusCode Code, string Message, UploadObservationsResponse? Response)> UploadAsync(string? token, params UploadObservationsRequest[] messages) =>
        UploadWithAsync(token, null, messages);

    /// <summary>As <see cref="UploadAsync"/>, with further metadata (e.g. <c>strive-request-id</c>).</summary>
    public async Task<(StatusCode Code, string Message, UploadObservationsResponse? Response)> UploadWithAsync(string? token, Metadata? headers, IEnumerable<UploadObservationsRequest> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var options = StriveCalls.Options(token);
        foreach (var header in headers ?? [])
        {
            options.Headers!.Add(header);
        }

        using var call = Channel.CreateCallInvoker().AsyncClientStreamingCall(
            StriveCalls.Method<UploadObservationsRequest, UploadObservationsResponse>(MethodType.ClientStreaming, "IndicatorService/UploadObservations"),
            null,
            options);
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(message);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call early (e.g. a denied header): its status is in the response task below.
        }

        try
        {
            return (StatusCode.OK, "", await call.ResponseAsync);
        }
        catch (RpcException exception)
        {
            return (exception.StatusCode, exception.Status.Detail, null);
        }
    }

    /// <summary>Opens WatchNetworkRollup; dispose to cancel it.</summary>
    public AsyncServerStreamingCall<WatchNetworkRollupResponse> Watch(string? token, CancellationToken cancellationToken = default)
    {
        var options = StriveCalls.Options(token, cancellationToken);
        // A watch lives until cancelled: no deadline.
        options = new CallOptions(options.Headers, deadline: null, cancellationToken);
        return Channel.CreateCallInvoker().AsyncServerStreamingCall(
            StriveCalls.Method<WatchNetworkRollupRequest, WatchNetworkRollupResponse>(MethodType.ServerStreaming, "NetworkService/WatchNetworkRollup"),
            null,
            options,
            new WatchNetworkRollupRequest());
    }

    /// <summary>The first message of WatchNetworkRollup (the call is cancelled after it), or the status the stream ended with.</summary>
    public async Task<(StatusCode Code, string Message, WatchNetworkRollupResponse? First)> WatchFirstAsync(string? token)
    {
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = Watch(token, timeout.Token);
        try
        {
            return await call.ResponseStream.MoveNext(timeout.Token)
                ? (StatusCode.OK, "", call.ResponseStream.Current)
                : (StatusCode.Internal, "the watch ended without a message", null);
        }
        catch (RpcException exception)
        {
            return (exception.StatusCode, exception.Status.Detail, null);
        }
    }

    /// <summary>Stops the host (as on SIGTERM); later calls fail. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (_app is not null && !_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await StopAsync();
            await _app.DisposeAsync();
        }
    }

    // Orleans' localhost clustering needs a concrete silo port: take one the system hands out for 127.0.0.1.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
