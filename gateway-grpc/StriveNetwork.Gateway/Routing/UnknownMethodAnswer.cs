using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace StriveNetwork.Gateway.Routing;

/// <summary>
/// Answers a gRPC call that no endpoint matched with UNIMPLEMENTED, from the very end of the host's pipeline.
/// </summary>
/// <remarks>
/// Grpc.AspNetCore answers unknown services and methods itself by mapping two routes with parameters
/// (<c>{service}/{method}</c> and <c>/{service}/{method}</c> per service). Every call then matched those too and paid
/// for their captures: two substrings, a route value dictionary and a constraint check per call, about a fifth of
/// what a cached read allocated (docs/adr/0025). With <c>IgnoreUnknownServices</c> those routes are gone, and this
/// middleware, which only runs when routing found no endpoint, gives the same answer. A request that is not gRPC
/// passes on (404, as before).
/// </remarks>
internal sealed class UnknownMethodAnswer : IStartupFilter
{
    private const string GrpcContentType = "application/grpc";

    // The answer's grpc-message: plain ASCII, so it needs no percent-encoding, and it quotes nothing the client sent.
    private const string Message = "Unknown service or method.";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use((context, rest) => IsGrpc(context.Request) ? Answer(context.Response) : rest(context));
    };

    private static bool IsGrpc(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.ContentType is { } type
        && type.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase)
        && (type.Length == GrpcContentType.Length || type[GrpcContentType.Length] is '+' or ';');

    // Trailers-only: the status travels in the only HEADERS frame, as Grpc.AspNetCore sends a call refused before it began.
    private static Task Answer(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcContentType;
        response.Headers["grpc-status"] = ((int)StatusCode.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Message;
        return Task.CompletedTask;
    }
}
