namespace StriveNetwork.Providers;

/// <summary>Applies the scripts a store lacks, in order, through a store's <see cref="ISchemaScriptRunner"/>.</summary>
internal static class SchemaMigration
{
    /// <summary>
    /// Applies every script above the store's version and returns those applied. A store newer than this build fails
    /// with a clear message instead of being written by code that does not know its tables.
    /// </summary>
    public static async Task<IReadOnlyList<SchemaScript>> ApplyAsync(
        ISchemaScriptRunner runner, IReadOnlyList<SchemaScript> scripts, CancellationToken cancellationToken)
    {
        var applied = await runner.ReadAppliedVersionAsync(cancellationToken).ConfigureAwait(false);
        if (applied > scripts[^1].Version)
        {
            throw new InvalidOperationException(
                $"{runner.Store} has schema version {applied}, newer than this build knows ({scripts[^1].Version}). Upgrade the silo.");
        }

        var pending = scripts.Where(s => s.Version > applied).ToList();
        foreach (var script in pending)
        {
            await runner.ApplyAsync(script, cancellationToken).ConfigureAwait(false);
        }

        return pending;
    }
}
