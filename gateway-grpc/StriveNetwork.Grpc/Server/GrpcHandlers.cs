using Google.Protobuf;

namespace StriveNetwork.Grpc.Server;

/// <summary>Handles a unary call.</summary>
public delegate Task<TResponse> UnaryHandler<TRequest, TResponse>(TRequest request, GrpcCallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a server-streaming call.</summary>
public delegate Task ServerStreamingHandler<TRequest, TResponse>(TRequest request, GrpcResponseStream<TResponse> responses, GrpcCallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a client-streaming call.</summary>
public delegate Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(GrpcRequestStream<TRequest> requests, GrpcCallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a bidirectional-streaming call.</summary>
public delegate Task DuplexStreamingHandler<TRequest, TResponse>(GrpcRequestStream<TRequest> requests, GrpcResponseStream<TResponse> responses, GrpcCallContext context)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>;
