using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace StriveNetwork.Dashboard.Api;

/// <summary>How a failed API call shows as a page (docs/dashboard.md, "Errors").</summary>
public enum PageFailure
{
    /// <summary>The call succeeded.</summary>
    None = 0,

    /// <summary>UNAUTHENTICATED: the token was revoked or expired; the session ends, back to /signin.</summary>
    SignedOut = 1,

    /// <summary>PERMISSION_DENIED or NOT_FOUND: 404 "Not found", with nothing of the thing asked for.</summary>
    NotFound = 404,

    /// <summary>INVALID_ARGUMENT: 400, the query string is not valid.</summary>
    BadRequest = 400,

    /// <summary>UNAVAILABLE, DEADLINE_EXCEEDED and anything else: 503, try again.</summary>
    Unavailable = 503,
}

/// <summary>The mapping of gRPC statuses to pages.</summary>
public static class PageFailures
{
    /// <summary>The page a call that failed with <paramref name="status"/> becomes.</summary>
    public static PageFailure Of(StatusCode status) => status switch
    {
        StatusCode.OK => PageFailure.None,
        StatusCode.Unauthenticated => PageFailure.SignedOut,
        StatusCode.PermissionDenied or StatusCode.NotFound => PageFailure.NotFound,
        StatusCode.InvalidArgument => PageFailure.BadRequest,
        _ => PageFailure.Unavailable,
    };

    /// <summary>The HTTP status of a failure page.</summary>
    public static int HttpStatus(PageFailure failure) => failure switch
    {
        PageFailure.NotFound => StatusCodes.Status404NotFound,
        PageFailure.BadRequest => StatusCodes.Status400BadRequest,
        PageFailure.SignedOut => StatusCodes.Status302Found,
        _ => StatusCodes.Status503ServiceUnavailable,
    };
}
