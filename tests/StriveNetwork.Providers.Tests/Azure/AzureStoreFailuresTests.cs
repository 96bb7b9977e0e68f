using System.Net.Sockets;
using Azure;
using Orleans.Storage;
using StriveNetwork.Providers.Azure;

namespace StriveNetwork.Providers.Tests.Azure;

/// <summary>What Orleans' Azure provider throws maps to the project's store failure kinds (and so to gRPC statuses).</summary>
public sealed class AzureStoreFailuresTests
{
    public static TheoryData<Exception, StoreFailureKind> Cases => new()
    {
        { new RequestFailedException(0, "connection refused", null, new HttpRequestException("refused", new SocketException(111))), StoreFailureKind.Unavailable },
        { new RequestFailedException(503, "server busy"), StoreFailureKind.Unavailable },
        { new RequestFailedException(500, "internal"), StoreFailureKind.Unavailable },
        { new RequestFailedException(429, "throttled"), StoreFailureKind.Unavailable },
        { new RequestFailedException(408, "timeout"), StoreFailureKind.Unavailable },
        { new AggregateException("Retry failed after 4 tries", new RequestFailedException(0, "EINVAL")), StoreFailureKind.Unavailable },
        { new OrleansException("wrapped", new HttpRequestException("no route")), StoreFailureKind.Unavailable },
        { new TimeoutException("slow"), StoreFailureKind.Unavailable },
        { new RequestFailedException(507, "insufficient storage"), StoreFailureKind.Full },
        { new RequestFailedException(403, "denied", "AuthorizationFailure", null), StoreFailureKind.Error },
        { new RequestFailedException(404, "no such container", "ContainerNotFound", null), StoreFailureKind.None },
        { new InconsistentStateException("etag mismatch", "1", "2", new RequestFailedException(412, "precondition")), StoreFailureKind.None },
        { new TaskCanceledException("the SDK's network timeout"), StoreFailureKind.Unavailable },
        { new AggregateException(new TaskCanceledException("timeout"), new TaskCanceledException("timeout")), StoreFailureKind.Unavailable },
        { new InvalidOperationException("a bug"), StoreFailureKind.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_MapsEachAzureFailure(Exception exception, StoreFailureKind expected) =>
        Assert.Equal(expected, AzureStoreFailures.Classify(exception));
}
