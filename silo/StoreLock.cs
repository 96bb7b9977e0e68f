using StriveNetwork.Silo.Hosting;

namespace StriveNetwork.Silo;

/// <summary>Another process holds the store: a second silo, or a token command while the silo runs.</summary>
public sealed class StoreInUseException(string message) : Exception(message);

/// <summary>
/// Keeps one process per store in the embedded profile, whose localhost clustering keeps the grain directory in the
/// process: two silos on one SQLite file would both activate the same grains, and a token command writing beside a
/// running silo would not be seen by it. An exclusive lock on <c>&lt;data dir&gt;/silo.lock</c>, released by the
/// kernel when the process dies. The cluster profiles need no lock: their silos share a membership table, so a second
/// silo joins the cluster (ADR 0007, ADR 0013).
/// </summary>
public sealed class StoreLock : IAsyncDisposable
{
    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    /// <summary>
    /// Takes the store of <paramref name="options"/> (embedded profile), or throws <see cref="StoreInUseException"/>;
    /// null for the cluster profiles.
    /// </summary>
    public static StoreLock? Acquire(SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Profile == ClusterProfile.Embedded ? AcquireFile(Path.GetFullPath(options.DataDir)) : null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _file.DisposeAsync();

    private static StoreLock AcquireFile(string dataDir)
    {
        // The first thing a silo creates: the data directory (0700) and the lock file (0600), owner-only like the store.
        OwnerOnlyFiles.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "silo.lock");
        try
        {
            // FileShare.None is an exclusive flock on Unix and a share-mode lock on Windows.
            return new StoreLock(new FileStream(path, OwnerOnlyFiles.Create(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)));
        }
        catch (IOException)
        {
            throw new StoreInUseException(
                $"another StriveNetwork process is using the store in {dataDir} (it holds {path}); stop it first, or while it runs manage tokens through AdminService");
        }
    }
}
