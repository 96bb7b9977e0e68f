namespace StriveNetwork.Providers;

/// <summary>
/// What a store does to apply schema scripts: everything runs in one transaction that the runner opened and holds
/// exclusively (SQLite: <c>BEGIN IMMEDIATE</c>; PostgreSQL: an advisory lock), so two silos starting at once apply
/// each script once.
/// </summary>
internal interface ISchemaScriptRunner
{
    /// <summary>The store, for messages (no password).</summary>
    string Store { get; }

    /// <summary>The highest applied script version, 0 for an empty store (creates the <c>schema_version</c> table if missing).</summary>
    Task<long> ReadAppliedVersionAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="script"/> and records it in <c>schema_version</c>.</summary>
    Task ApplyAsync(SchemaScript script, CancellationToken cancellationToken);
}
