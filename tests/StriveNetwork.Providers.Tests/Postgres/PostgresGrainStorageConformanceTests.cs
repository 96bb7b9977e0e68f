using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Tests.Conformance;

namespace StriveNetwork.Providers.Tests.Postgres;

/// <summary>The grain storage conformance suite on a fresh PostgreSQL schema per test.</summary>
public sealed class PostgresGrainStorageConformanceTests : GrainStorageConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly List<PostgresGrainStorage> _storages = [];

    protected override Task<IGrainStorage> CreateStorageAsync(IGrainStorageSerializer? serializer = null)
    {
        var options = new PostgresGrainStorageOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema };
        if (serializer is not null)
        {
            options.GrainStorageSerializer = serializer;
        }

        var storage = new PostgresGrainStorage("postgres-test", options);
        _storages.Add(storage);
        return Task.FromResult<IGrainStorage>(storage);
    }

    protected override async Task DisposeStoreAsync()
    {
        foreach (var storage in _storages)
        {
            await storage.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }

    protected override async Task<string?> ReadStoredJsonAsync(GrainStateKey key)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT payload FROM \"{_schema}\".grain_state WHERE grain_type = @t AND grain_key = @k AND state_name = @s", connection);
        command.Parameters.AddWithValue("t", key.GrainType);
        command.Parameters.AddWithValue("k", key.GrainKey);
        command.Parameters.AddWithValue("s", key.StateName);
        return (string?)await command.ExecuteScalarAsync();
    }

    protected override async Task InsertRowAsync(GrainStateKey key, string json, int schemaVersion, long version, bool recordExists)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"INSERT INTO \"{_schema}\".grain_state (grain_type, grain_key, state_name, payload, schema_version, version, record_exists, modified_at) " +
            "VALUES (@t, @k, @s, @p, @sv, @v, @e, now())", connection);
        command.Parameters.AddWithValue("t", key.GrainType);
        command.Parameters.AddWithValue("k", key.GrainKey);
        command.Parameters.AddWithValue("s", key.StateName);
        command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Text) { Value = json });
        command.Parameters.AddWithValue("sv", schemaVersion);
        command.Parameters.AddWithValue("v", version);
        command.Parameters.AddWithValue("e", recordExists);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        // The provider creates the schema on first use; make sure that happened.
        await _storages[0].InitializeAsync();
        var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
