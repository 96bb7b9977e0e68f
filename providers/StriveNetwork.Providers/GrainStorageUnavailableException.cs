
namespace StriveNetwork.Providers;

/// <summary>
/// A store could not be reached or opened (PostgreSQL refused or dropped the connection, the SQLite file cannot be
/// opened or stays locked by another process, I/O failed). The operation may or may not have been applied only if it
/// failed during commit; a retry after the store is back is the remedy. The gateway maps it to UNAVAILABLE.
/// The message names the store (host, port, database, file), never the payload or a password.
/// </summary>
[GenerateSerializer]
public sealed class GrainStorageUnavailableException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public GrainStorageUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GrainStorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own exception.</summary>
    public GrainStorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
