namespace StriveNetwork.Dashboard.Import;

/// <summary>
/// The folder that holds the import page's uploads and problem reports, readable by the silo's user only (0700, files
/// 0600). With the embedded profile it is <c>&lt;data-dir&gt;/import-spool</c>: the store lock makes the silo its only
/// user, so what a killed silo left there is deleted at the next start. Without a data directory of its own it is a
/// folder of this process under the temp path, deleted when the host stops.
/// </summary>
public sealed class ImportSpool : IDisposable
{
    private readonly bool _owned;

    /// <summary>Uses <paramref name="directory"/> (created owner-only, emptied) or, when null, a new folder of this process.</summary>
    public ImportSpool(string? directory)
    {
        _owned = directory is null;
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "strive-import-spool-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
        if (System.IO.Directory.Exists(Directory))
        {
            // Left by a silo that was killed: nobody else writes here (the store lock), and no job survives a restart.
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>A new file in the folder, readable and writable by this user only.</summary>
    public FileStream Create(string extension)
    {
        var path = Path.Combine(Directory, Guid.NewGuid().ToString("N") + extension);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>Deletes the process's own folder (a data directory's spool stays, emptied at the next start).</summary>
    public void Dispose()
    {
        if (_owned)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
