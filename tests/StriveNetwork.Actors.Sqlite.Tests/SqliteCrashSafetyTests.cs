using StriveNetwork.Actors.CrashSafety;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Sqlite.Tests;

/// <summary>Kill -9 the worker writing to a SQLite file, twice and more, then verify the file.</summary>
public sealed class SqliteCrashSafetyTests : CrashSafetyTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override IReadOnlyList<string> WorkerArguments => ["sqlite", _folder.File("crash.sqlite")];

    protected override IGrainStorage OpenStorage() => new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = _folder.File("crash.sqlite") });

    public void Dispose() => _folder.Dispose();
}
