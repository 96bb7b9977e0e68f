using System.Globalization;
using Orleans.Storage;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>The silo tests with grain storage and reminders sharing one SQLite file.</summary>
public sealed class SqliteSiloTests : SiloTests
{
    private readonly TempFolder _folder = new();

    protected override string UnavailableStoreName => _folder.File("blocker");

    protected override void AddProviders(ISiloBuilder silo)
    {
        var path = _folder.File(Path.Combine("data", "strive.db"));
        silo.AddSqliteGrainStorage(CounterGrain.StorageName, o => o.FilePath = path);
        silo.UseSqliteReminderService(o => o.FilePath = path);
    }

    protected override void AddUnavailableProviders(ISiloBuilder silo)
    {
        // A regular file where the database's folder should be.
        File.WriteAllText(_folder.File("blocker"), "x");
        var path = Path.Combine(_folder.File("blocker"), "strive.db");
        silo.AddSqliteGrainStorage(CounterGrain.StorageName, o => o.FilePath = path);
        silo.UseSqliteReminderService(o => o.FilePath = path);
    }

    protected override async Task MakeStoreFullAsync(IGrainStorage storage)
    {
        var database = ((SqliteGrainStorage)storage).Database;
        var pages = Convert.ToString(await database.ExecuteOnWriterAsync("PRAGMA page_count"), CultureInfo.InvariantCulture);
        await database.ExecuteOnWriterAsync("PRAGMA max_page_count = " + pages);
    }

    protected override Task DropStateTableAsync(IGrainStorage storage) =>
        ((SqliteGrainStorage)storage).Database.ExecuteOnWriterAsync("DROP TABLE grain_state");

    protected override Task DeleteStoreAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
