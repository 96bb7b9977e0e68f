using StriveNetwork.Dashboard.Import;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>The import page's spool: owner-only, emptied at start (a killed silo's leftovers), its own folder removed on dispose.</summary>
public sealed class ImportSpoolTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "strive-spool-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task DataDirectorySpool_IsOwnerOnly_AndLosesWhatAKilledSiloLeft()
    {
        var directory = Path.Combine(_root, "import-spool");
        string leftover;
        using (var first = new ImportSpool(directory))
        {
            await using var file = first.Create(".csv");
            leftover = file.Name;
            await file.WriteAsync(new byte[] { 1, 2, 3 });
        }

        // Disposing a data directory's spool keeps the folder (and, as after SIGKILL, the file): the next start empties it.
        Assert.True(File.Exists(leftover));
        using var second = new ImportSpool(directory);
        Assert.False(File.Exists(leftover));
        await using var created = second.Create(".xlsx");
        Assert.Equal(directory, Path.GetDirectoryName(created.Name));
        Assert.False(OperatingSystem.IsWindows(), "Unix file modes");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(created.Name));
        }
    }

    [Fact]
    public void ProcessSpool_IsRemovedOnDispose()
    {
        string directory;
        using (var spool = new ImportSpool(null))
        {
            directory = spool.Directory;
            using var file = spool.Create(".csv");
            Assert.True(Directory.Exists(directory));
        }

        Assert.False(Directory.Exists(directory));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
