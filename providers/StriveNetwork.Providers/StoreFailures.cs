namespace StriveNetwork.Providers;

/// <summary>Turns a classified store exception into the exception callers see, with one message shape for every provider.</summary>
internal static class StoreFailures
{
    /// <param name="kind">The classification of <paramref name="exception"/>.</param>
    /// <param name="store">The store, e.g. "SQLite grain storage 'main' (file /data/strive.db)"; never holds a password.</param>
    /// <param name="operation">What failed, e.g. "write of partnership/k/state".</param>
    /// <param name="exception">
    /// The store's exception. Its message is a driver message with the error code (payloads travel as parameters and
    /// never appear in it); the exception itself is not attached, so that nothing unserializable crosses a grain call.
    /// </param>
    public static Exception? Translate(StoreFailureKind kind, string store, string operation, Exception exception) => kind switch
    {
        StoreFailureKind.Full => new GrainStorageFullException($"{store} is full: {operation} failed. {exception.Message}"),
        StoreFailureKind.Unavailable => new GrainStorageUnavailableException($"{store} is unavailable: {operation} failed. {exception.Message}"),
        StoreFailureKind.Error => new OrleansException($"{store}: {operation} failed. {exception.Message}"),
        _ => null,
    };
}
