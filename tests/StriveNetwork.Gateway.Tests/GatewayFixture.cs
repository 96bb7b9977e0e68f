using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StriveNetwork.Actors;
using StriveNetwork.Actors.Sqlite;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains;
using IPartnershipGrain = StriveNetwork.Grains.Abstractions.IPartnershipGrain;
using TokenRole = StriveNetwork.Grains.Abstractions.TokenRole;
using StriveNetwork.Grpc;
using StriveNetwork.Grpc.Client;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Gateway.Tests;

/// <summary>A real gateway on 127.0.0.1:0 over the real grains and SQLite in a temp directory, with one token per role.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "strive-gw-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<string, Lazy<Task>> _seeds = new(StringComparer.Ordinal);
    private WebApplication? _app;

    /// <summary>Cohort whose members are alpha and beta.</summary>
    public const string AlphaCohort = "alpha-cohort";

    /// <summary>Cohort whose only member is beta.</summary>
    public const string BetaOnlyCohort = "beta-cohort";

    /// <summary>Indicator of alpha with observations for 2021 and 2022.</summary>
    public const string AlphaIndicator = "kr";

    /// <summary>A benchmark of the six-gateway framework that alpha has assessed.</summary>
    public const string Benchmark = "6G-EXP-SCV-1";

    public GrpcChannelClient Client { get; private set; } = null!;

    public string Admin { get; private set; } = "";

    /// <summary>Token id of <see cref="Admin"/>.</summary>
    public string AdminTokenId { get; private set; } = "";

    public string Viewer { get; private set; } = "";

    public string PartnershipAlpha { get; private set; } = "";

    public string Revoked { get; private set; } = "";

    public IGrainFactory Grains => _app!.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenGrpc(IPAddress.Loopback, 0));
        builder.Services.AddActorRuntime()
            .AddGrainAssembly(typeof(PartnershipGrain).Assembly)
            .AddGrainAssembly(typeof(IPartnershipGrain).Assembly)
            .AddGrainStorage("Default", sp => sp.GetRequiredService<SqliteGrainStorage>());
        builder.Services.AddSqliteGrainStorage(o => { o.FilePath = Path.Combine(_dataDir, "strive.db"); o.DurableCommits = false; });
        builder.Services.AddStriveGrains(s => s.MinimumN = 10);
        builder.Services.AddStriveGateway();
        _app = builder.Build();
        _app.MapGrpcServices();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new GrpcChannelClient(new Uri(address));

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
    }

    /// <summary>Issues a PARTNERSHIP token for a registered partnership.</summary>
    public async Task<string> PartnershipTokenAsync(string partnershipId)
    {
        var issuer = _app!.Services.GetRequiredService<TokenIssuer>();
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
        Client.CallAsync<TRequest, TResponse>(token, method, request);

    /// <summary>The status a call ends with (OK when it succeeds).</summary>
    public Task<(StatusCode Code, string Message)> StatusOfAsync<TRequest, TResponse>(string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        Client.StatusOfAsync<TRequest, TResponse>(token, method, request);

    /// <summary>
    /// A whole UploadObservations stream: the messages, then half-close; the response, or the status the stream
    /// ended with (response null).
    /// </summary>
    public async Task<(StatusCode Code, string Message, UploadObservationsResponse? Response)> UploadAsync(string? token, params UploadObservationsRequest[] messages)
    {
        await using var call = Client.Streaming<UploadObservationsRequest, UploadObservationsResponse>(
            "/strive.v1.IndicatorService/UploadObservations", StriveCalls.Options(token));
        try
        {
            foreach (var message in messages)
            {
                await call.WriteAsync(message);
            }

            await call.CompleteRequestAsync();
            var response = await call.ReadAsync() ?? throw new InvalidOperationException("UploadObservations ended OK without a response");
            Assert.Null(await call.ReadAsync());
            return (StatusCode.OK, "", response);
        }
        catch (GrpcStatusException exception)
        {
            return (exception.StatusCode, exception.Detail, null);
        }
    }

    /// <summary>The first message of WatchNetworkRollup (the call is cancelled after it), or the status the stream ended with.</summary>
    public async Task<(StatusCode Code, string Message, WatchNetworkRollupResponse? First)> WatchFirstAsync(string? token)
    {
        await using var call = Client.ServerStreaming<WatchNetworkRollupRequest, WatchNetworkRollupResponse>(
            "/strive.v1.NetworkService/WatchNetworkRollup", new WatchNetworkRollupRequest(), StriveCalls.Options(token));
        try
        {
            var first = await call.ReadAsync();
            return first is null ? (StatusCode.Internal, "the watch ended without a message", null) : (StatusCode.OK, "", first);
        }
        catch (GrpcStatusException exception)
        {
            return (exception.StatusCode, exception.Detail, null);
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
