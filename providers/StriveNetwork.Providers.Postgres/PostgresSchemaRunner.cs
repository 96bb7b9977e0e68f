using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>Applies schema scripts in the migration transaction (advisory lock held, search_path set to the schema).</summary>
internal sealed class PostgresSchemaRunner(NpgsqlConnection connection, string store, TimeProvider timeProvider) : ISchemaScriptRunner
{
    public string Store => store;

    public async Task<long> ReadAppliedVersionAsync(CancellationToken cancellationToken)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText =
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var select = connection.CreateCommand();
        select.CommandText = "SELECT coalesce(max(version), 0)::bigint FROM schema_version";
        return (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task ApplyAsync(SchemaScript script, CancellationToken cancellationToken)
    {
        using (var apply = connection.CreateCommand())
        {
            apply.CommandText = script.Sql;
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var record = connection.CreateCommand();
        record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @at)";
        record.Parameters.AddWithValue("v", script.Version);
        record.Parameters.AddWithValue("n", script.Name);
        record.Parameters.AddWithValue("at", timeProvider.GetUtcNow());
        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
