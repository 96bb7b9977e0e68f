using System.Runtime.Versioning;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Providers.Tests.Sqlite;

/// <summary>The folders and the file the provider creates hold every grain's state: owner-only (0700, 0600) on Unix.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SqliteFilePermissionTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteGrainStorage> _storages = [];

    public void Dispose()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task CreatedFoldersAndFiles_AreOwnerOnly_OthersAreLeftAlone()
    {
        var parent = _folder.File("existing");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, Mode("755"));
        var path = Path.Combine(parent, "data", "strive", "db.sqlite");

        await Storage(path).WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc()));

        Assert.Equal("700", ModeOf(Path.Combine(parent, "data")));
        Assert.Equal("700", ModeOf(Path.Combine(parent, "data", "strive")));
        Assert.Equal("600", ModeOf(path));
        // SQLite gives the files it creates beside the database the database file's mode.
        Assert.Equal("600", ModeOf(path + "-wal"));
        Assert.Equal("600", ModeOf(path + "-shm"));
        // A folder the provider did not create is left as the operator made it.
        Assert.Equal("755", ModeOf(parent));
    }

    [Fact]
    public async Task ExistingFile_KeepsItsPermissions()
    {
        var path = _folder.File("mine.sqlite");
        await File.WriteAllBytesAsync(path, []);
        File.SetUnixFileMode(path, Mode("640"));

        await Storage(path).InitializeAsync();

        Assert.Equal("640", ModeOf(path));
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    private static string ModeOf(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    private SqliteGrainStorage Storage(string path)
    {
        var storage = new SqliteGrainStorage("sqlite-test", new SqliteGrainStorageOptions { FilePath = path });
        _storages.Add(storage);
        return storage;
    }
}
