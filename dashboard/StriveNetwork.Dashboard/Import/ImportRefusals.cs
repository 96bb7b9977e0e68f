using Grpc.Core;

namespace StriveNetwork.Dashboard.Import;

/// <summary>
/// What the import page tells the uploader when the API ends a job with an error: one short fixed text per status.
/// The API's detail is never passed on: it may quote what the file held, and the problem report already tells the
/// uploader, row by row, what to fix.
/// </summary>
public static class ImportRefusals
{
    /// <summary>The text for <paramref name="exception"/>'s status.</summary>
    public static string Message(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode switch
        {
            StatusCode.Unauthenticated => "Your session has ended: sign in again.",
            StatusCode.PermissionDenied or StatusCode.NotFound => "The partnership or indicator was not found.",
            StatusCode.InvalidArgument => "The service refused the file's data: see the problem report.",
            StatusCode.FailedPrecondition or StatusCode.Aborted => "The partnership or indicator changed during the import: import the file again.",
            StatusCode.ResourceExhausted => "A limit of the service was reached: try again later or with a smaller file.",
            _ => "The service is unavailable; importing the same file again is safe.",
        };
    }
}
