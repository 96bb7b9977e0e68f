using StriveNetwork.Actors.Conformance;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Postgres.Tests;

/// <summary>The shared storage conformance suite against a fresh PostgreSQL schema per test.</summary>
public sealed class PostgresConformanceTests : GrainStorageConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchemaName();

    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(TestPostgres.Create(_schema));

    protected override async Task DisposeStorageAsync(IGrainStorage storage)
    {
        await ((PostgresGrainStorage)storage).DisposeAsync();
        await TestPostgres.DropSchemaAsync(_schema);
    }
}
