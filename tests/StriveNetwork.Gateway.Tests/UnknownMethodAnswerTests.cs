using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// Unknown gRPC services and methods are answered UNIMPLEMENTED from the end of the pipeline, and no route has
/// parameters, so a known call matches exactly one endpoint and pays for no captures (docs/adr/0025).
/// </summary>
public sealed class UnknownMethodAnswerTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task AnUnknownMethodOfAKnownService_IsUnimplemented()
    {
        var (code, message) = await fixture.StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(fixture.Admin, "NetworkService/NoSuchMethod", new());
        Assert.Equal(StatusCode.Unimplemented, code);
        Assert.Equal("Unknown service or method.", message);
    }

    [Fact]
    public async Task AnUnknownService_IsUnimplemented_WithoutAToken()
    {
        var result = await RawGrpc.CallAsync(fixture.Address, "/strive.v9.NoSuchService/Get", new GetNetworkRollupRequest(), new Dictionary<string, string>());
        Assert.Equal((int)StatusCode.Unimplemented, result.Status);
        Assert.Empty(result.Messages);
    }

    [Fact]
    public async Task ARequestThatIsNotGrpc_IsNotFound()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.Address + "/strive.v1.NetworkService/NoSuchMethod")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([1, 2, 3]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("grpc-status"));
    }

    [Fact]
    public void NoRoute_HasParameters_SoEveryCallMatchesOneEndpoint()
    {
        var routes = fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.Contains(routes, r => r.RoutePattern.RawText == "/strive.v1.PartnershipService/GetPartnership");
        Assert.All(routes, r => Assert.True(r.RoutePattern.Parameters.Count == 0, r.RoutePattern.RawText));
    }
}
