using Grpc.Core;
using StriveNetwork.Dashboard.Import;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>The import page's text for a job the API ended: short, fixed per status, never the API's detail.</summary>
public sealed class ImportRefusalsTests
{
    private const string Detail = "row 7: value '<script>alert(1)</script> 4111-1111' is not a count";

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "The service refused the file's data: see the problem report.")]
    [InlineData(StatusCode.FailedPrecondition, "The partnership or indicator changed during the import: import the file again.")]
    [InlineData(StatusCode.Aborted, "The partnership or indicator changed during the import: import the file again.")]
    [InlineData(StatusCode.NotFound, "The partnership or indicator was not found.")]
    [InlineData(StatusCode.PermissionDenied, "The partnership or indicator was not found.")]
    [InlineData(StatusCode.Unauthenticated, "Your session has ended: sign in again.")]
    [InlineData(StatusCode.ResourceExhausted, "A limit of the service was reached: try again later or with a smaller file.")]
    [InlineData(StatusCode.Unavailable, "The service is unavailable; importing the same file again is safe.")]
    [InlineData(StatusCode.Internal, "The service is unavailable; importing the same file again is safe.")]
    public void Message_IsTheFixedTextOfTheStatus_WithoutTheDetail(StatusCode status, string expected)
    {
        var message = ImportRefusals.Message(new RpcException(new Status(status, Detail)));

        Assert.Equal(expected, message);
        Assert.DoesNotContain("row 7", message, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", message, StringComparison.Ordinal);
    }
}
