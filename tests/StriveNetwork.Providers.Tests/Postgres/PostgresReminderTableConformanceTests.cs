using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Tests.Conformance;

namespace StriveNetwork.Providers.Tests.Postgres;

/// <summary>The reminder table conformance suite on a fresh PostgreSQL schema per test.</summary>
public sealed class PostgresReminderTableConformanceTests : ReminderTableConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly List<PostgresReminderTable> _tables = [];

    protected override Task<IReminderTable> CreateTableAsync(string serviceId)
    {
        var table = new PostgresReminderTable(serviceId, new PostgresReminderTableOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });
        _tables.Add(table);
        return Task.FromResult<IReminderTable>(table);
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
