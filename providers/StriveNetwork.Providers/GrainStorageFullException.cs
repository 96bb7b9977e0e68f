
namespace StriveNetwork.Providers;

/// <summary>
/// A store refused a write because it is out of space (SQLite <c>SQLITE_FULL</c>, PostgreSQL <c>53100 disk_full</c>).
/// Nothing was written. Retrying helps only after space is freed; the gateway maps it to RESOURCE_EXHAUSTED.
/// The message names the store and the state, never the payload or a password.
/// </summary>
[GenerateSerializer]
public sealed class GrainStorageFullException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public GrainStorageFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GrainStorageFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own exception.</summary>
    public GrainStorageFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
