using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StriveNetwork.Actors.Postgres;

/// <summary>Options of <see cref="PostgresGrainStorage"/>. Give either <see cref="ConnectionString"/> or <see cref="DataSource"/>.</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>Provider name reported by <see cref="Persistence.IGrainStorage.Name"/>.</summary>
    public string Name { get; set; } = "postgres";

    /// <summary>Npgsql connection string; the provider then owns its data source.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A caller-owned data source (shared pool); used instead of <see cref="ConnectionString"/> and not disposed by the provider.</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>Schema that holds the tables; created when missing. Lowercase letters, digits and '_' (max 63).</summary>
    public string Schema { get; set; } = "strive";
}

/// <summary>Validates <see cref="PostgresGrainStorageOptions"/> at start.</summary>
public sealed partial class PostgresGrainStorageOptionsValidator : IValidateOptions<PostgresGrainStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PostgresGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("PostgresGrainStorageOptions.Name is required.");
        }

        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasConnectionString == (options.DataSource is not null))
        {
            failures.Add("PostgresGrainStorageOptions needs exactly one of ConnectionString or DataSource.");
        }
        else if (hasConnectionString)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"PostgresGrainStorageOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        // The schema name is spliced into SQL text (identifiers cannot be parameters), so only a safe shape passes.
        if (options.Schema is null || !SchemaPattern().IsMatch(options.Schema))
        {
            failures.Add($"PostgresGrainStorageOptions.Schema '{options.Schema}' must match ^[a-z_][a-z0-9_]{{0,62}}$.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
