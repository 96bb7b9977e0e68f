using Microsoft.Data.Sqlite;
using Orleans.Storage;
using StriveNetwork.Providers.Sqlite;
using StriveNetwork.Providers.Tests.Conformance;

namespace StriveNetwork.Providers.Tests.Sqlite;

/// <summary>The grain storage conformance suite on a fresh SQLite file per test.</summary>
public sealed class SqliteGrainStorageConformanceTests : GrainStorageConformanceTests
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteGrainStorage> _storages = [];

    private string FilePath => _folder.File("strive.db");

    protected override Task<IGrainStorage> CreateStorageAsync(IGrainStorageSerializer? serializer = null)
    {
        var options = new SqliteGrainStorageOptions { FilePath = FilePath };
        if (serializer is not null)
        {
            options.GrainStorageSerializer = serializer;
        }

        var storage = new SqliteGrainStorage("sqlite-test", options);
        _storages.Add(storage);
        return Task.FromResult<IGrainStorage>(storage);
    }

    protected override Task DisposeStoreAsync()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }

        _folder.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<string?> ReadStoredJsonAsync(GrainStateKey key)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $s";
        command.Parameters.AddWithValue("$t", key.GrainType);
        command.Parameters.AddWithValue("$k", key.GrainKey);
        command.Parameters.AddWithValue("$s", key.StateName);
        return (string?)await command.ExecuteScalarAsync();
    }

    protected override async Task InsertRowAsync(GrainStateKey key, string json, int schemaVersion, long version, bool recordExists)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, record_exists, modified_at) " +
            "VALUES ($t, $k, $s, $p, $sv, $v, $e, 0)";
        command.Parameters.AddWithValue("$t", key.GrainType);
        command.Parameters.AddWithValue("$k", key.GrainKey);
        command.Parameters.AddWithValue("$s", key.StateName);
        command.Parameters.AddWithValue("$p", json);
        command.Parameters.AddWithValue("$sv", schemaVersion);
        command.Parameters.AddWithValue("$v", version);
        command.Parameters.AddWithValue("$e", recordExists ? 1 : 0);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        // The provider creates the file and schema on first use; make sure that happened.
        await _storages[0].InitializeAsync();
        var connection = new SqliteConnection($"Data Source={FilePath};Pooling=false");
        await connection.OpenAsync();
        return connection;
    }
}
