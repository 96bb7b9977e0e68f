using Microsoft.Extensions.Options;

namespace StriveNetwork.Actors.Sqlite;

/// <summary>Options of <see cref="SqliteGrainStorage"/>.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>Provider name reported by <see cref="Persistence.IGrainStorage.Name"/>.</summary>
    public string Name { get; set; } = "sqlite";

    /// <summary>Path of the database file; its folder is created when missing. Required.</summary>
    public string FilePath { get; set; } = "";

    /// <summary>How long a statement waits for another process's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True (default): <c>synchronous=FULL</c>, a commit survives power loss. False: <c>synchronous=NORMAL</c>, a commit
    /// survives a process crash but the last commits may be lost on power loss (WAL keeps the file consistent either way).
    /// </summary>
    public bool DurableCommits { get; set; } = true;
}

/// <summary>Validates <see cref="SqliteGrainStorageOptions"/> at start.</summary>
public sealed class SqliteGrainStorageOptionsValidator : IValidateOptions<SqliteGrainStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("SqliteGrainStorageOptions.Name is required.");
        }

        if (string.IsNullOrWhiteSpace(options.FilePath))
        {
            failures.Add("SqliteGrainStorageOptions.FilePath is required (the SQLite database file).");
        }
        else if (options.FilePath.Contains(';', StringComparison.Ordinal) || options.FilePath.StartsWith(":memory:", StringComparison.Ordinal))
        {
            failures.Add($"SqliteGrainStorageOptions.FilePath '{options.FilePath}' must be a file path (no ';', no in-memory database: WAL and readers need a file).");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"SqliteGrainStorageOptions.BusyTimeout must be in (0, 10 min]; it is {options.BusyTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
