namespace StriveNetwork.Providers.Sqlite;

/// <summary>The checks of <see cref="SqliteStoreOptions"/>; each message names the option.</summary>
internal static class SqliteOptionsRules
{
    public static List<string> Check(SqliteStoreOptions? options, string optionsType, string owner)
    {
        var failures = new List<string>();
        if (options is null)
        {
            failures.Add($"{optionsType} for {owner} are missing.");
            return failures;
        }

        if (string.IsNullOrWhiteSpace(options.FilePath))
        {
            failures.Add($"{optionsType}.FilePath is required for {owner} (the SQLite database file).");
        }
        else if (options.FilePath.Contains(';', StringComparison.Ordinal)
            || options.FilePath.StartsWith(":memory:", StringComparison.OrdinalIgnoreCase)
            || options.FilePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add(
                $"{optionsType}.FilePath '{options.FilePath}' for {owner} must be a plain file path (no ';', no URI, no in-memory database: WAL and readers need a file).");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{optionsType}.BusyTimeout for {owner} must be in (0, 10 min]; it is {options.BusyTimeout}.");
        }

        if (options is SqliteGrainStorageOptions { GrainStorageSerializer: null })
        {
            failures.Add($"{optionsType}.GrainStorageSerializer for {owner} must not be null.");
        }

        return failures;
    }
}
