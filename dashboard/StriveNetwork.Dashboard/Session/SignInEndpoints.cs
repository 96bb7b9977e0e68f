using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using StriveNetwork.Dashboard.Api;
using StriveNetwork.Dashboard.Components.Pages;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Grains.Abstractions;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Session;

/// <summary>
/// <c>GET /signin</c> (the form), <c>POST /signin</c> (checks the token, starts the session) and <c>POST /signout</c>.
/// Both POSTs take a form, so ASP.NET Core validates its antiforgery token (400 without it).
/// </summary>
internal static partial class SignInEndpoints
{
    /// <summary>The longest token accepted (a real one is 47 characters).</summary>
    public const int MaxTokenLength = 512;

    /// <summary>The largest sign-in form.</summary>
    public const int MaxFormBytes = 4096;

    private const string Rejected = "That token was not accepted.";

    public static void Map(IEndpointRouteBuilder routes, string host)
    {
        routes.MapGet("/signin", () => Page(null, StatusCodes.Status200OK)).RequireHost(host);
        routes.MapPost("/signin", SignInAsync).RequireHost(host)
            .WithFormOptions(bufferBody: false, valueCountLimit: 8, valueLengthLimit: MaxFormBytes, multipartBodyLengthLimit: MaxFormBytes);
        routes.MapPost("/signout", (HttpContext context, IFormCollection form) =>
        {
            _ = form;
            SessionCookie.Clear(context);
            return TypedResults.Redirect("/signin");
        }).RequireHost(host).WithFormOptions(valueCountLimit: 8, valueLengthLimit: MaxFormBytes, multipartBodyLengthLimit: MaxFormBytes);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IFormCollection form, TokenAuthenticator authenticator, ApiChannel channel, SessionCookie cookie, ILoggerFactory loggers)
    {
        if (context.Request.ContentLength > MaxFormBytes)
        {
            return Page(Rejected, StatusCodes.Status413PayloadTooLarge);
        }

        var token = form["token"].ToString().Trim();
        if (token.Length is 0 or > MaxTokenLength)
        {
            return Page(Rejected, StatusCodes.Status401Unauthorized);
        }

        // Who the token is: the same authenticator the API uses; then one API call proves the API accepts it.
        var (record, rejection) = await authenticator.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (rejection != TokenRejection.None || record is null)
        {
            LogRejected(loggers.CreateLogger(typeof(SignInEndpoints).FullName!), rejection);
            return Page(Rejected, StatusCodes.Status401Unauthorized);
        }

        var person = new SignedInPerson(token, RoleName(record.Role), record.Role == TokenRole.Partnership ? record.PartnershipId : null, cookie.NewExpiry());
        try
        {
            var api = new StriveApi(channel, person);
            await api.Network.GetNetworkRollupAsync(new V1.GetNetworkRollupRequest(), api.Unary(context.RequestAborted)).ConfigureAwait(false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Unauthenticated)
        {
            return Page(Rejected, StatusCodes.Status401Unauthorized);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable)
        {
            // The rollup is still loading after a restart: the token is good, the overview will say "try again".
        }

        cookie.Write(context, person);
        LogSignedIn(loggers.CreateLogger(typeof(SignInEndpoints).FullName!), record.TokenId, person.Role);
        return TypedResults.Redirect("/");
    }

    /// <summary>The API's name of a role.</summary>
    public static string RoleName(TokenRole role) => role switch
    {
        TokenRole.NetworkAdmin => SignedInPerson.NetworkAdmin,
        TokenRole.NetworkViewer => SignedInPerson.NetworkViewer,
        _ => SignedInPerson.Partnership,
    };

    private static RazorComponentResult<SignInPage> Page(string? message, int status) =>
        new(new Dictionary<string, object?> { [nameof(SignInPage.Message)] = message }) { StatusCode = status };

    [LoggerMessage(EventId = 7300, EventName = "DashboardSignedIn", Level = LogLevel.Information, Message = "Dashboard session started for token {TokenId} ({Role})")]
    private static partial void LogSignedIn(ILogger logger, string tokenId, string role);

    // Never the token; only why it was refused.
    [LoggerMessage(EventId = 7301, EventName = "DashboardSignInRejected", Level = LogLevel.Information, Message = "Dashboard sign-in refused: {Rejection}")]
    private static partial void LogRejected(ILogger logger, TokenRejection rejection);
}
