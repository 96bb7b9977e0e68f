namespace StriveNetwork.Providers.Tests.OldRuntime;

/// <summary>The old runtime's schema script 1 (grain state plus the stream log tables), as it created stores.</summary>
internal static class OldRuntimeScripts
{
    public static string Sqlite => Read("OldRuntime/sqlite-0001_initial.sql");

    public static string Postgres => Read("OldRuntime/postgres-0001_initial.sql");

    private static string Read(string name)
    {
        using var stream = typeof(OldRuntimeScripts).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
