using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Grpc;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.FrameworkService: the Theory of Action versions, straight from the domain catalog.</summary>
public sealed class FrameworkService(FrameworkCatalog catalog)
{
    /// <summary>Binds every method of the service.</summary>
    public void Bind(GrpcServiceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .Unary<V1.ListFrameworksRequest, V1.ListFrameworksResponse>("ListFrameworks", ListAsync)
            .Unary<V1.GetFrameworkRequest, V1.GetFrameworkResponse>("GetFramework", GetAsync);
    }

    private Task<V1.ListFrameworksResponse> ListAsync(V1.ListFrameworksRequest request, GrpcCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw EnumMap.Invalid("page_size", "must not be negative");
        }

        // Two frameworks exist: everything fits one page, so any page token other than empty is stale.
        if (request.PageToken.Length > 0)
        {
            throw EnumMap.Invalid("page_token", "is not a token this server issued");
        }

        var response = new V1.ListFrameworksResponse();
        response.Frameworks.AddRange(catalog.Frameworks.OrderBy(f => f.Id, StringComparer.Ordinal).Select(ProtoMap.ToSummary));
        return Task.FromResult(response);
    }

    private Task<V1.GetFrameworkResponse> GetAsync(V1.GetFrameworkRequest request, GrpcCallContext context)
    {
        if (string.IsNullOrEmpty(request.FrameworkId))
        {
            throw EnumMap.Invalid("framework_id", "is required");
        }

        var framework = catalog.Find(request.FrameworkId)
            ?? throw new GrpcStatusException(
                StatusCode.NotFound,
                $"framework '{request.FrameworkId}' does not exist (known: {string.Join(", ", catalog.Frameworks.Select(f => f.Id))})");
        return Task.FromResult(new V1.GetFrameworkResponse { Framework = ProtoMap.ToProto(framework) });
    }
}
