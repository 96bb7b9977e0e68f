namespace StriveNetwork.Providers;

/// <summary>How a store's own exception is reported to callers.</summary>
/// <remarks>
/// A driver exception (SqliteException, PostgresException, NpgsqlException) never reaches callers: Orleans cannot
/// serialize every driver exception across a grain call (PostgresException has no codec), so the provider logs it and
/// throws one of its own exceptions, whose message carries the driver's message and error code.
/// </remarks>
public enum StoreFailureKind
{
    /// <summary>Not a store failure (an argument, a cancellation, a version conflict): rethrown unchanged.</summary>
    None,

    /// <summary>Another store error (a constraint, a missing table, a permission): reported as <see cref="OrleansException"/>.</summary>
    Error,

    /// <summary>Out of space: reported as <see cref="GrainStorageFullException"/>.</summary>
    Full,

    /// <summary>Cannot reach or open the store: reported as <see cref="GrainStorageUnavailableException"/>.</summary>
    Unavailable,
}
