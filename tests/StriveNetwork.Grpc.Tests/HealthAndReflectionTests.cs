using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Grpc.Health;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace StriveNetwork.Grpc.Tests;

public sealed class HealthAndReflectionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task HealthCheck_ServerIsServing_UnknownIsNotFound()
    {
        var result = await _server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>("/grpc.health.v1.Health/Check", new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, result.Response.Status);

        var error = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            _server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>("/grpc.health.v1.Health/Check", new HealthCheckRequest { Service = "nope" }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_StreamsCurrentThenChanges_UnknownStartsAsServiceUnknown()
    {
        var registry = _server.Services.GetRequiredService<HealthStatusRegistry>();
        await using var call = _server.Client.ServerStreaming<HealthCheckRequest, HealthCheckResponse>("/grpc.health.v1.Health/Watch", new HealthCheckRequest { Service = "orders" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, (await call.ReadAsync())!.Status);
        registry.SetStatus("orders", HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await call.ReadAsync())!.Status);
        registry.SetStatus("orders", HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await call.ReadAsync())!.Status);

        var check = await _server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>("/grpc.health.v1.Health/Check", new HealthCheckRequest { Service = "orders" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, check.Response.Status);
    }

    private async Task<List<V1.ServerReflectionResponse>> AskAsync(string path, params V1.ServerReflectionRequest[] requests)
    {
        var alpha = path.Contains("v1alpha", StringComparison.Ordinal);
        var answers = new List<V1.ServerReflectionResponse>();
        if (alpha)
        {
            await using var call = _server.Client.Streaming<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(path);
            foreach (var request in requests)
            {
                await call.WriteAsync(V1Alpha.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()));
                answers.Add(V1.ServerReflectionResponse.Parser.ParseFrom((await call.ReadAsync())!.ToByteString()));
            }

            await call.CompleteRequestAsync();
            Assert.Null(await call.ReadAsync());
        }
        else
        {
            await using var call = _server.Client.Streaming<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(path);
            foreach (var request in requests)
            {
                await call.WriteAsync(request);
                answers.Add((await call.ReadAsync())!);
            }

            await call.CompleteRequestAsync();
            Assert.Null(await call.ReadAsync());
        }

        return answers;
    }

    private static List<string> FileNames(V1.ServerReflectionResponse response) =>
        response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name).ToList();

    [Theory]
    [InlineData("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")]
    [InlineData("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")]
    public async Task Reflection_ListsServices_FilesBySymbolAndName_WithDependencies_AndErrorsInBand(string path)
    {
        var answers = await AskAsync(path,
            new V1.ServerReflectionRequest { ListServices = "*" },
            new V1.ServerReflectionRequest { FileByFilename = "grpc/testing/test.proto" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.SimpleRequest" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService.UnaryCall" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.LoadBalancerStatsResponse.MetadataType" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
            new V1.ServerReflectionRequest { FileByFilename = "no/such.proto" },
            new V1.ServerReflectionRequest { ListServices = "" });

        var services = answers[0].ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("grpc.testing.TestService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);

        Assert.Equal(["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"], FileNames(answers[1]).Order());
        Assert.Equal(["grpc/testing/messages.proto"], FileNames(answers[2]));
        Assert.Equal("grpc/testing/test.proto", FileNames(answers[3])[0]);
        Assert.Equal(3, FileNames(answers[3]).Count);
        Assert.Equal(["grpc/testing/messages.proto"], FileNames(answers[4]));
        Assert.Equal((int)StatusCode.NotFound, answers[5].ErrorResponse.ErrorCode);
        Assert.Equal((int)StatusCode.NotFound, answers[6].ErrorResponse.ErrorCode);
        Assert.NotEmpty(answers[7].ListServicesResponse.Service);

        // The returned bytes build real descriptors, dependencies first.
        var ordered = answers[1].FileDescriptorResponse.FileDescriptorProto.Select(b => b).Reverse().ToList();
        var built = FileDescriptor.BuildFromByteStrings(ordered);
        Assert.Contains(built.Single(f => f.Name == "grpc/testing/test.proto").Services, s => s.Name == "TestService");
    }
}
