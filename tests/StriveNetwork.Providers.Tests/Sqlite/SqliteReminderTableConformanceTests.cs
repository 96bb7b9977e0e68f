using StriveNetwork.Providers.Sqlite;
using StriveNetwork.Providers.Tests.Conformance;

namespace StriveNetwork.Providers.Tests.Sqlite;

/// <summary>The reminder table conformance suite on a fresh SQLite file per test.</summary>
public sealed class SqliteReminderTableConformanceTests : ReminderTableConformanceTests
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteReminderTable> _tables = [];

    protected override Task<IReminderTable> CreateTableAsync(string serviceId)
    {
        var table = new SqliteReminderTable(serviceId, new SqliteReminderTableOptions { FilePath = _folder.File("reminders.db") });
        _tables.Add(table);
        return Task.FromResult<IReminderTable>(table);
    }

    protected override Task DisposeStoreAsync()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        _folder.Dispose();
        return Task.CompletedTask;
    }
}
