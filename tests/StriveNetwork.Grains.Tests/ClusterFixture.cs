namespace StriveNetwork.Grains.Tests;

/// <summary>One cluster shared by the tests of a class (tests that use distinct grains and assert nothing network-wide).</summary>
public abstract class ClusterFixture(GrainClusterOptions options) : IAsyncLifetime
{
    public GrainCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await GrainCluster.StartAsync(options);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>One silo on Orleans' memory storage.</summary>
public sealed class MemoryClusterFixture() : ClusterFixture(new GrainClusterOptions { Storage = StorageKind.Memory });

/// <summary>Three silos on one SQLite file.</summary>
public sealed class SqliteClusterFixture() : ClusterFixture(new GrainClusterOptions { Storage = StorageKind.Sqlite, Silos = 3 });

/// <summary>Three silos on the test process's shared storage.</summary>
public sealed class SharedClusterFixture() : ClusterFixture(new GrainClusterOptions { Storage = StorageKind.Shared, Silos = 3 });
