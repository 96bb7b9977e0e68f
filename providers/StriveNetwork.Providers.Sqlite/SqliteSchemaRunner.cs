using System.Globalization;
using Microsoft.Data.Sqlite;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>Applies schema scripts inside the writer's <c>BEGIN IMMEDIATE</c> transaction (the file's write lock).</summary>
internal sealed class SqliteSchemaRunner(SqliteConnection connection, SqliteTransaction transaction, string store, TimeProvider timeProvider)
    : ISchemaScriptRunner
{
    public string Store => store;

    public async Task<long> ReadAppliedVersionAsync(CancellationToken cancellationToken)
    {
        using (var create = Command(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var select = Command("SELECT coalesce(max(version), 0) FROM schema_version");
        return Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task ApplyAsync(SchemaScript script, CancellationToken cancellationToken)
    {
        using (var apply = Command(script.Sql))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var record = Command("INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $at)");
        record.Parameters.AddWithValue("$v", script.Version);
        record.Parameters.AddWithValue("$n", script.Name);
        record.Parameters.AddWithValue("$at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
