using StriveNetwork.Actors.Conformance;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Sqlite.Tests;

/// <summary>The shared storage conformance suite against a fresh SQLite file per test.</summary>
public sealed class SqliteConformanceTests : GrainStorageConformanceTests
{
    private readonly TempFolder _folder = new();

    protected override Task<IGrainStorage> CreateStorageAsync() =>
        Task.FromResult<IGrainStorage>(new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = _folder.File("strive.db") }));

    protected override async Task DisposeStorageAsync(IGrainStorage storage)
    {
        await ((SqliteGrainStorage)storage).DisposeAsync();
        _folder.Dispose();
    }
}
