using StriveNetwork.Actors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.NetworkService on the network grain.</summary>
public sealed class NetworkService(IGrainFactory grains)
{
    // Below the grain call timeout (30 s), so a quiet network never times a watcher out.
    private static readonly TimeSpan WatchPollWait = TimeSpan.FromSeconds(15);

    /// <summary>Binds every method of the service.</summary>
    public void Bind(GrpcServiceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .Unary<V1.GetNetworkRollupRequest, V1.GetNetworkRollupResponse>("GetNetworkRollup", GetRollupAsync)
            .ServerStreaming<V1.WatchNetworkRollupRequest, V1.WatchNetworkRollupResponse>("WatchNetworkRollup", WatchAsync)
            .Unary<V1.ListPartnershipsRequest, V1.ListPartnershipsResponse>("ListPartnerships", ListPartnershipsAsync);
    }

    private INetworkGrain Network => grains.GetGrain<INetworkGrain>(GrainStreams.NetworkKey);

    private async Task<V1.GetNetworkRollupResponse> GetRollupAsync(V1.GetNetworkRollupRequest request, GrpcCallContext context)
    {
        var rollup = await Network.GetRollupAsync(context.CancellationToken).ConfigureAwait(false);
        return new V1.GetNetworkRollupResponse { Rollup = ProtoMap.ToProto(rollup) };
    }

    private async Task WatchAsync(V1.WatchNetworkRollupRequest request, GrpcResponseStream<V1.WatchNetworkRollupResponse> responses, GrpcCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var rollup = await Network.GetRollupAsync(cancellationToken).ConfigureAwait(false);
        await responses.WriteAsync(new V1.WatchNetworkRollupResponse { Rollup = ProtoMap.ToProto(rollup) }, cancellationToken).ConfigureAwait(false);
        var version = rollup.Version;
        while (true)
        {
            // Ends only by cancellation: the client's (CANCELLED) or the server stopping (UNAVAILABLE, call again).
            cancellationToken.ThrowIfCancellationRequested();
            var next = await Network.WaitForChangeAsync(version, WatchPollWait, cancellationToken).ConfigureAwait(false);
            if (next.Version > version)
            {
                // Slow watchers skip intermediate versions: each message is the latest rollup.
                version = next.Version;
                await responses.WriteAsync(new V1.WatchNetworkRollupResponse { Rollup = ProtoMap.ToProto(next) }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<V1.ListPartnershipsResponse> ListPartnershipsAsync(V1.ListPartnershipsRequest request, GrpcCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw EnumMap.Invalid("page_size", "must not be negative");
        }

        var filter = new PartnershipFilter(
            EnumMap.ToDomainOrNull(request.Gateway),
            EnumMap.ToDomainOrNull(request.Designation),
            string.IsNullOrEmpty(request.UsState) ? null : request.UsState);
        var page = await Network.ListPartnershipsAsync(filter, request.PageSize, request.PageToken, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.ListPartnershipsResponse { NextPageToken = page.NextPageToken, TotalSize = page.TotalSize };
        response.Partnerships.AddRange(page.Partnerships.Select(ProtoMap.ToProto));
        return response;
    }
}
