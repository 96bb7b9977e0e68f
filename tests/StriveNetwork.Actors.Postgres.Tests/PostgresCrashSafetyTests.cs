using StriveNetwork.Actors.CrashSafety;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Postgres.Tests;

/// <summary>Kill -9 the worker writing to a PostgreSQL schema, twice and more, then verify the schema.</summary>
public sealed class PostgresCrashSafetyTests : CrashSafetyTests, IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchemaName();

    protected override IReadOnlyList<string> WorkerArguments => ["postgres", TestPostgres.ConnectionString, _schema];

    protected override IGrainStorage OpenStorage() => TestPostgres.Create(_schema);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropSchemaAsync(_schema);
}
