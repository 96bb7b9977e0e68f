using System.Security.Cryptography;

namespace StriveNetwork.Silo.Hosting;

/// <summary>
/// The silo's own files and folders, created owner-only on Unix (folders 0700, files 0600): the data directory, the
/// lock file and the bootstrap admin-token file. Existing folders are left as the operator made them.
/// </summary>
internal static class OwnerOnlyFiles
{
    /// <summary>Mode of the files the silo creates.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="directory"/> and its missing parents, each 0700 (the SQLite provider's rule).</summary>
    public static void CreateDirectory(string directory) =>
        StriveNetwork.Providers.Sqlite.OwnerOnlyPaths.CreateDirectory(Path.GetFullPath(directory));

    /// <summary>Options that create a missing file 0600 (the umask can only remove bits).</summary>
    public static FileStreamOptions Create(System.IO.FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically: into a new 0600 file beside it, flushed
    /// to disk, then renamed over it, so no reader ever sees a partial file or one with wider permissions.
    /// </summary>
    public static void WriteAtomically(string path, string content)
    {
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        try
        {
            using (var file = new FileStream(temporary, Create(System.IO.FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(content);
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
