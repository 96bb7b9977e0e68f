using System.Text.RegularExpressions;
using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>The checks of <see cref="PostgresStoreOptions"/>; each message names the option and never shows a password.</summary>
internal static partial class PostgresOptionsRules
{
    public static List<string> Check(PostgresStoreOptions? options, string optionsType, string owner)
    {
        var failures = new List<string>();
        if (options is null)
        {
            failures.Add($"{optionsType} for {owner} are missing.");
            return failures;
        }

        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasConnectionString == (options.DataSource is not null))
        {
            failures.Add($"{optionsType} for {owner} need exactly one of ConnectionString or DataSource.");
        }
        else if (hasConnectionString)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                // Npgsql's message names the keyword, not the value.
                failures.Add($"{optionsType}.ConnectionString for {owner} is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        // The schema name is spliced into SQL text (identifiers cannot be parameters), so only a safe shape passes.
        if (options.Schema is null || !SchemaPattern().IsMatch(options.Schema))
        {
            failures.Add($"{optionsType}.Schema '{options.Schema}' for {owner} must match ^[a-z_][a-z0-9_]{{0,62}}$.");
        }

        if (options is PostgresGrainStorageOptions { GrainStorageSerializer: null })
        {
            failures.Add($"{optionsType}.GrainStorageSerializer for {owner} must not be null.");
        }

        return failures;
    }

    [GeneratedRegex(@"\A[a-z_][a-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
