namespace StriveNetwork.Providers.Sqlite;

/// <summary>
/// Creates the folders and the database file that the provider owns with owner-only permissions on Unix (0700 and
/// 0600): the file holds every grain's state. Existing folders and files are left as the operator made them.
/// </summary>
public static class OwnerOnlyPaths
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> and its missing parents, each 0700.</summary>
    public static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory);
        if (!string.IsNullOrEmpty(parent))
        {
            CreateDirectory(parent);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        // The create mode passes through the umask; set it exactly.
        File.SetUnixFileMode(directory, OwnerOnlyDirectory);
    }

    /// <summary>
    /// Creates <paramref name="path"/> empty (0600) when it does not exist. SQLite opens an empty file as an empty
    /// database and gives the -wal and -shm files it creates next to it the database file's mode.
    /// </summary>
    public static void CreateFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            using var created = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another opener created it first; it set the mode.
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnlyFile);
        }
    }
}
