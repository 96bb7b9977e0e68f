using Orleans.Storage;
using StriveNetwork.Providers.Postgres;

namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>The silo tests with grain storage and reminders in one PostgreSQL schema.</summary>
public sealed class PostgresSiloTests : SiloTests
{
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly int _closedPort = ClosedPort();

    protected override string UnavailableStoreName => $"host 127.0.0.1, port {_closedPort}";

    protected override void AddProviders(ISiloBuilder silo)
    {
        var connectionString = TestPostgres.ConnectionString;
        silo.AddPostgresGrainStorage(CounterGrain.StorageName, o =>
        {
            o.ConnectionString = connectionString;
            o.Schema = _schema;
        });
        silo.UsePostgresReminderService(o =>
        {
            o.ConnectionString = connectionString;
            o.Schema = _schema;
        });
    }

    protected override void AddUnavailableProviders(ISiloBuilder silo)
    {
        var connectionString = $"Host=127.0.0.1;Port={_closedPort};Username=strive;Password=not-logged;Database=strive;Timeout=5";
        silo.AddPostgresGrainStorage(CounterGrain.StorageName, o => o.ConnectionString = connectionString);
        silo.UsePostgresReminderService(o => o.ConnectionString = connectionString);
    }

    protected override Task MakeStoreFullAsync(IGrainStorage storage) =>
        // The server reports a full disk as SQLSTATE 53100; a trigger raises exactly that error from the server.
        TestPostgres.ExecuteAsync(
            $"CREATE FUNCTION \"{_schema}\".disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$; " +
            $"CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON \"{_schema}\".grain_state FOR EACH ROW EXECUTE FUNCTION \"{_schema}\".disk_full();");

    protected override Task DropStateTableAsync(IGrainStorage storage) => TestPostgres.ExecuteAsync($"DROP TABLE \"{_schema}\".grain_state");

    protected override Task DeleteStoreAsync() => TestPostgres.DropSchemaAsync(_schema);

    private static int ClosedPort()
    {
        // A port that was free a moment ago: connecting to it is refused at once.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
