using Microsoft.Data.Sqlite;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Sqlite;
using StriveNetwork.Actors.Testing.TestCluster;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Which storage a test cluster uses.</summary>
public enum StorageKind
{
    Memory,
    Sqlite,
}

/// <summary>An in-process cluster with the StriveNetwork grains on memory or a temp-file SQLite storage.</summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private readonly string? _folder;

    private GrainCluster(InProcessTestCluster cluster, string? folder)
    {
        Cluster = cluster;
        _folder = folder;
    }

    public InProcessTestCluster Cluster { get; }

    public IPartnershipGrain Partnership(string id) => Cluster.Client.GetGrain<IPartnershipGrain>(id);

    public IIndicatorGrain Indicator(string partnershipId, string indicatorId) =>
        Cluster.Client.GetGrain<IIndicatorGrain>(GrainStreams.IndicatorKey(partnershipId, indicatorId));

    public ICohortGrain Cohort(string id) => Cluster.Client.GetGrain<ICohortGrain>(id);

    public INetworkGrain Network => Cluster.Client.GetGrain<INetworkGrain>(GrainStreams.NetworkKey);

    public ITokenRegistryGrain Tokens => Cluster.Client.GetGrain<ITokenRegistryGrain>(GrainStreams.TokensKey);

    public static async Task<GrainCluster> StartAsync(StorageKind storage, int minimumN = 10)
    {
        if (storage == StorageKind.Memory)
        {
            return await StartAsync(builder => builder, null, minimumN);
        }

        var folder = Directory.CreateTempSubdirectory("strive-grains-").FullName;
        var path = Path.Combine(folder, "grains.db");
        return await StartAsync(builder => builder.UseStorage(_ => new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = path })), folder, minimumN);
    }

    /// <summary>A cluster on the given storage (which must also be the stream log), e.g. one that fails on demand.</summary>
    public static Task<GrainCluster> StartAsync(IGrainStorage storage, int minimumN = 10) =>
        StartAsync(builder => builder.UseStorage(_ => storage), null, minimumN);

    private static async Task<GrainCluster> StartAsync(Func<InProcessTestClusterBuilder, InProcessTestClusterBuilder> storage, string? folder, int minimumN)
    {
        var builder = storage(new InProcessTestClusterBuilder()
            .AddGrainAssembly(typeof(PartnershipGrain).Assembly)
            .ConfigureServices(s => s.AddStriveGrains(o => o.MinimumN = minimumN)));
        return new GrainCluster(await builder.BuildAndStartAsync(), folder);
    }

    /// <summary>Polls until the condition holds; bounded by 10 s of real time (the condition is the signal, not the clock).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {seconds} s waiting for: {what}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>Builders of realistic requests.</summary>
public static class Sample
{
    public static readonly DateOnly Today = new(2025, 12, 1);

    public static PartnershipProfile Profile(string name = "Racine County Partnership", string state = "WI", string framework = "toa-6g") => new(
        name, state, GeographicScopeLevel.County, "Racine County", new AnchorEntity("United Way of Racine County", true),
        [Sector.K12Education, Sector.HigherEducation, Sector.Philanthropy, Sector.Business], [StaffRole.PartnershipDirector, StaffRole.DataManager], framework);

    /// <summary>Every Exploring, Emerging and Sustaining benchmark of the six-gateway framework, plus the Systems Change ones given.</summary>
    public static AssessmentBatch ThroughSustaining(params string[] systemsChange)
    {
        var framework = StriveNetwork.Domain.Frameworks.FrameworkCatalog.Embedded.Get("toa-6g");
        var ids = framework.Benchmarks.Where(b => b.GatewayId is "exploring" or "emerging" or "sustaining").Select(b => b.Id).Concat(systemsChange);
        return new AssessmentBatch([.. ids.Select(id => new AssessmentEntry(id, BenchmarkStatus.Met, "minutes of the leadership table", Today, "StriveTogether review"))], [], null);
    }

    public static IndicatorSpec Indicator(Outcome outcome, string name = "3rd grade reading proficiency", IReadOnlyList<GapSpec>? gaps = null) => new(
        name, "proficient / tested", outcome, string.Empty, IndicatorRole.Core, Polarity.HigherIsBetter, "percent", 2019,
        [new TargetSpec(2030, 70)], 1, "CIA-2024", "state data", gaps ?? []);

    public static ObservationRow Cell(int year, string gender, string population, long numerator, long denominator) =>
        new(year, gender, population, numerator, denominator, false, string.Empty);

    /// <summary>All students improving clearly from 40% (2019) to 50% (2024) on 1,000 students.</summary>
    public static IReadOnlyList<ObservationRow> Improving() =>
        [Cell(2019, "all", "all", 400, 1000), Cell(2024, "all", "all", 500, 1000)];
}
