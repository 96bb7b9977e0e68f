using Google.Protobuf;
using Grpc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Grpc.Protocol;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Grpc.Interop;

/// <summary>The interop server behaviours of grpc.testing.TestService (doc/interop-test-descriptions.md).</summary>
public static class InteropTestService
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    /// <summary>Registers TestService (UnimplementedCall left unbound) and UnimplementedService (nothing bound).</summary>
    public static IServiceCollection AddInteropTestService(this IServiceCollection services)
    {
        var file = TestReflection.Descriptor;
        services.AddGrpcService(file.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("TestService"), static (builder, _) => Bind(builder));
        services.AddGrpcService(file.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("UnimplementedService"), static (_, _) => { });
        return services;
    }

    private static void Bind(GrpcServiceBuilder builder)
    {
        builder.Unary<Empty, Empty>("EmptyCall", (_, context) =>
        {
            EchoMetadata(context);
            return Task.FromResult(new Empty());
        });
        builder.Unary<SimpleRequest, SimpleResponse>("UnaryCall", UnaryAsync);
        builder.Unary<SimpleRequest, SimpleResponse>("CacheableUnaryCall", UnaryAsync);
        builder.ServerStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>("StreamingOutputCall", async (request, responses, context) =>
        {
            EchoMetadata(context);
            await RespondAsync(request, responses, context).ConfigureAwait(false);
            EnsureEchoStatus(request.ResponseStatus);
        });
        builder.ClientStreaming<StreamingInputCallRequest, StreamingInputCallResponse>("StreamingInputCall", async (requests, context) =>
        {
            EchoMetadata(context);
            var total = 0;
            await foreach (var request in requests.ConfigureAwait(false))
            {
                EnsureCompression(request.ExpectCompressed, context);
                total += request.Payload?.Body.Length ?? 0;
            }

            return new StreamingInputCallResponse { AggregatedPayloadSize = total };
        });
        builder.DuplexStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>("FullDuplexCall", async (requests, responses, context) =>
        {
            EchoMetadata(context);
            await foreach (var request in requests.ConfigureAwait(false))
            {
                EnsureEchoStatus(request.ResponseStatus);
                await RespondAsync(request, responses, context).ConfigureAwait(false);
            }
        });
        builder.DuplexStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>("HalfDuplexCall", async (requests, responses, context) =>
        {
            EchoMetadata(context);
            var buffered = new List<StreamingOutputCallRequest>();
            await foreach (var request in requests.ConfigureAwait(false))
            {
                buffered.Add(request);
            }

            foreach (var request in buffered)
            {
                EnsureEchoStatus(request.ResponseStatus);
                await RespondAsync(request, responses, context).ConfigureAwait(false);
            }
        });
    }

    private static Task<SimpleResponse> UnaryAsync(SimpleRequest request, GrpcCallContext context)
    {
        EchoMetadata(context);
        EnsureEchoStatus(request.ResponseStatus);
        EnsureCompression(request.ExpectCompressed, context);
        if (request.ResponseCompressed?.Value == true)
        {
            context.ResponseEncoding = GrpcCompression.Gzip;
            context.CompressResponses = true;
        }
        else
        {
            context.CompressResponses = false;
        }

        return Task.FromResult(new SimpleResponse { Payload = Zeros(request.ResponseSize) });
    }

    private static async Task RespondAsync(StreamingOutputCallRequest request, GrpcResponseStream<StreamingOutputCallResponse> responses, GrpcCallContext context)
    {
        if (request.ResponseParameters.Any(p => p.Compressed?.Value == true))
        {
            context.ResponseEncoding = GrpcCompression.Gzip;
        }

        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), context.CancellationToken).ConfigureAwait(false);
            }

            context.CompressResponses = parameters.Compressed?.Value == true;
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Zeros(parameters.Size) }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    // Payloads are all zeros and never mutated, so they can share one buffer.
    private static readonly byte[] ZeroBuffer = new byte[1024 * 1024];

    private static Payload Zeros(int size)
    {
        if (size < 0)
        {
            throw new GrpcStatusException(StatusCode.InvalidArgument, "Negative payload size.");
        }

        var body = size <= ZeroBuffer.Length ? UnsafeByteOperations.UnsafeWrap(ZeroBuffer.AsMemory(0, size)) : ByteString.CopyFrom(new byte[size]);
        return new Payload { Type = PayloadType.Compressable, Body = body };
    }

    private static void EnsureEchoStatus(EchoStatus? status)
    {
        if (status is { Code: not 0 })
        {
            throw new GrpcStatusException((StatusCode)status.Code, status.Message);
        }
    }

    private static void EnsureCompression(BoolValue? expectCompressed, GrpcCallContext context)
    {
        if (expectCompressed?.Value == true && !context.RequestMessageCompressed)
        {
            throw new GrpcStatusException(StatusCode.InvalidArgument, "Expected a compressed request message.");
        }
    }

    private static void EchoMetadata(GrpcCallContext context)
    {
        var raw = context.HttpContext.Request.Headers;
        if (!raw.ContainsKey(EchoInitialKey) && !raw.ContainsKey(EchoTrailingKey))
        {
            return;
        }

        if (context.RequestHeaders.GetValue(EchoInitialKey) is { } initial && context.ResponseHeaders.GetValue(EchoInitialKey) is null)
        {
            context.ResponseHeaders.Add(EchoInitialKey, initial);
        }

        if (context.RequestHeaders.GetBytes(EchoTrailingKey) is { } trailing && context.ResponseTrailers.GetBytes(EchoTrailingKey) is null)
        {
            context.ResponseTrailers.Add(EchoTrailingKey, trailing);
        }
    }
}
