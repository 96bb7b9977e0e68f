using Npgsql;

namespace StriveNetwork.Providers.Tests;

/// <summary>The test server (STRIVE_TEST_POSTGRES) and throwaway schemas on it.</summary>
internal static class TestPostgres
{
    public const string Variable = "STRIVE_TEST_POSTGRES";

    /// <summary>The connection string; fails loudly (never skips) when the variable is missing.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. PostgreSQL tests need a server: export {Variable}='Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres'.");

    /// <summary>A fresh, unique schema name (created by the provider on first use), so tests run in parallel.</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N");

    public static async Task DropSchemaAsync(string schema) => await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
