using System.Net;
using System.Net.Sockets;
using Azure;
using Orleans.Storage;

namespace StriveNetwork.Providers.Azure;

/// <summary>
/// Classifies what Orleans' Azure Storage provider throws: a store that cannot be reached (no connection, a timeout,
/// throttling, a server error) is <see cref="StoreFailureKind.Unavailable"/>; a full account is
/// <see cref="StoreFailureKind.Full"/>; a version conflict (Orleans' InconsistentStateException) is not a store failure.
/// Grain storage calls take no cancellation token, so a cancellation from the Azure SDK is its network timeout:
/// unavailable.
/// </summary>
public static class AzureStoreFailures
{
    /// <summary>The kind of <paramref name="exception"/>, looking through inner and aggregated exceptions.</summary>
    public static StoreFailureKind Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is InconsistentStateException)
        {
            return StoreFailureKind.None;
        }

        var pending = new Queue<Exception>([exception]);
        for (var depth = 0; pending.Count > 0 && depth < 32; depth++)
        {
            var current = pending.Dequeue();
            switch (current)
            {
                case RequestFailedException { ErrorCode: "InsufficientAccountPermissions" or "AuthorizationFailure" or "AuthenticationFailed" }:
                    return StoreFailureKind.Error;
                case RequestFailedException { Status: (int)HttpStatusCode.InsufficientStorage } or RequestFailedException { ErrorCode: "AccountIsDisabled" or "AccountSizeQuotaExceeded" }:
                    return StoreFailureKind.Full;
                case RequestFailedException { Status: 0 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 }:
                case HttpRequestException or SocketException or TimeoutException or OperationCanceledException:
                    return StoreFailureKind.Unavailable;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        pending.Enqueue(inner);
                    }

                    break;
                default:
                    if (current.InnerException is { } next)
                    {
                        pending.Enqueue(next);
                    }

                    break;
            }
        }

        return StoreFailureKind.None;
    }
}
