using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Tests.Conformance;

namespace StriveNetwork.Providers.Tests.Postgres;

/// <summary>The membership table conformance suite on a fresh PostgreSQL schema per test, each table on its own pool.</summary>
public sealed class PostgresMembershipTableConformanceTests : MembershipTableConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly List<PostgresMembershipTable> _tables = [];

    protected override Task<IMembershipTable> CreateTableAsync(string clusterId)
    {
        var table = new PostgresMembershipTable(clusterId, new PostgresClusteringOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });
        _tables.Add(table);
        return Task.FromResult<IMembershipTable>(table);
    }

    protected override async Task DisposeStoreAsync()
    {
        foreach (var table in _tables)
        {
            await table.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }
}
