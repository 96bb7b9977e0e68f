using Grpc.Core;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.FrameworkService: the Theory of Action versions, straight from the domain catalog.</summary>
public sealed class FrameworkService(FrameworkCatalog catalog) : V1.FrameworkService.FrameworkServiceBase
{
    public override Task<V1.ListFrameworksResponse> ListFrameworks(V1.ListFrameworksRequest request, ServerCallContext context)
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

    public override Task<V1.GetFrameworkResponse> GetFramework(V1.GetFrameworkRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.FrameworkId))
        {
            throw EnumMap.Invalid("framework_id", "is required");
        }

        var framework = catalog.Find(request.FrameworkId)
            ?? throw GatewayErrors.Of(
                StatusCode.NotFound,
                $"framework_id: no such framework (known: {string.Join(", ", catalog.Frameworks.Select(f => f.Id))})");
        return Task.FromResult(new V1.GetFrameworkResponse { Framework = ProtoMap.ToProto(framework) });
    }
}
