using Npgsql;
using StriveNetwork.Silo.Hosting;

namespace StriveNetwork.Silo;

/// <summary>Another process holds the store: a second silo, or a token command while the silo runs.</summary>
public sealed class StoreInUseException(string message) : Exception(message);

/// <summary>
/// Keeps one process per store. The grain directory is in-process, so two silos on one store would both activate
/// the same grains; and a token command writing beside a running silo would not be seen by it. SQLite: an exclusive
/// lock on <c>&lt;data dir&gt;/silo.lock</c> (released by the kernel if the process dies); PostgreSQL: a session
/// advisory lock held on a connection of its own for the life of the process (released when it closes).
/// </summary>
public sealed class StoreLock : IAsyncDisposable
{
    // Advisory lock keys are per database; this one names "the StriveNetwork silo of this database".
    private const long AdvisoryKey = 0x5354_5249_5645_0001;

    private readonly FileStream? _file;
    private readonly NpgsqlConnection? _connection;

    private StoreLock(FileStream? file, NpgsqlConnection? connection)
    {
        _file = file;
        _connection = connection;
    }

    /// <summary>Takes the store of <paramref name="options"/>, or throws <see cref="StoreInUseException"/>.</summary>
    public static async Task<StoreLock> AcquireAsync(SiloOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UsesPostgres
            ? await AcquirePostgresAsync(options.PostgresConnectionString!, cancellationToken).ConfigureAwait(false)
            : AcquireFile(Path.GetFullPath(options.DataDir));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static StoreLock AcquireFile(string dataDir)
    {
        // The first thing a silo creates: the data directory (0700) and the lock file (0600), owner-only like the store.
        OwnerOnlyFiles.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "silo.lock");
        try
        {
            // FileShare.None is an exclusive flock on Unix and a share-mode lock on Windows.
            return new StoreLock(new FileStream(path, OwnerOnlyFiles.Create(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)), null);
        }
        catch (IOException)
        {
            throw new StoreInUseException(
                $"another StriveNetwork process is using the store in {dataDir} (it holds {path}); stop it first, or while it runs manage tokens through AdminService");
        }
    }

    private static async Task<StoreLock> AcquirePostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        // No pooling: the lock lives exactly as long as this physical connection.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "StriveNetwork silo lock" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", AdvisoryKey);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new StoreLock(null, connection);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        throw new StoreInUseException(
            $"another StriveNetwork process is using database '{builder.Database}' on {builder.Host}:{builder.Port}; stop it first, or while it runs manage tokens through AdminService");
    }
}
