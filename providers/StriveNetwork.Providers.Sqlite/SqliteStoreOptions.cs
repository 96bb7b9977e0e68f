namespace StriveNetwork.Providers.Sqlite;

/// <summary>
/// The SQLite file and how it is written; shared by <see cref="SqliteGrainStorageOptions"/> and
/// <see cref="SqliteReminderTableOptions"/>. Grain storage and reminders may name the same file: within one process they
/// then share one writer connection (the first one opened sets <see cref="BusyTimeout"/> and <see cref="DurableCommits"/>).
/// </summary>
public abstract class SqliteStoreOptions
{
    /// <summary>Path of the database file. Required. Missing folders are created (owner-only on Unix), as is the file (0600).</summary>
    public string FilePath { get; set; } = "";

    /// <summary>How long a statement waits for another process's write lock on the file before failing. Default 10 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True (default): <c>synchronous=FULL</c>, a commit survives power loss. False: <c>synchronous=NORMAL</c>, a commit
    /// survives a process crash but the last commits may be lost on power loss (WAL keeps the file consistent either way).
    /// </summary>
    public bool DurableCommits { get; set; } = true;
}
