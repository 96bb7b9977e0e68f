using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Gateway.Watch;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.NetworkService on the network grain; the watch is a grain observer of it.</summary>
public sealed class NetworkService(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<NetworkService> logger) : V1.NetworkService.NetworkServiceBase
{
    private INetworkGrain Network => grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);

    public override async Task<V1.GetNetworkRollupResponse> GetNetworkRollup(V1.GetNetworkRollupRequest request, ServerCallContext context)
    {
        var rollup = await Network.GetRollupAsync(context.CancellationToken).ConfigureAwait(false);
        return new V1.GetNetworkRollupResponse { Rollup = ProtoMap.ToProto(rollup) };
    }

    public override async Task WatchNetworkRollup(
        V1.WatchNetworkRollupRequest request,
        IServerStreamWriter<V1.WatchNetworkRollupResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        // Ends only by the client (CANCELLED), its deadline, or the host stopping: then at once with UNAVAILABLE,
        // so that a stopping silo neither waits for its watchers nor reports them as failures.
        var stopping = lifetime.ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            var watch = await NetworkRollupWatch.StartAsync(grains, timeProvider, logger, ended.Token).ConfigureAwait(false);
            await using (watch.ConfigureAwait(false))
            {
                // The current rollup first, then each newer version (the watch already drops older ones; this keeps
                // the promise to the client even if it did not).
                var sent = long.MinValue;
                await foreach (var rollup in watch.ReadAllAsync(ended.Token).ConfigureAwait(false))
                {
                    if (rollup.Version <= sent)
                    {
                        continue;
                    }

                    sent = rollup.Version;
                    await responseStream.WriteAsync(new V1.WatchNetworkRollupResponse { Rollup = ProtoMap.ToProto(rollup) }, ended.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested && exception is not RpcException)
        {
            throw GatewayErrors.ShuttingDown();
        }
    }

    public override async Task<V1.ListPartnershipsResponse> ListPartnerships(V1.ListPartnershipsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw EnumMap.Invalid("page_size", "must not be negative");
        }

        // Case-insensitive, but ASCII letters only: "wı" (dotless i) would upper-case to "WI".
        string? usState = null;
        if (request.UsState.Length > 0)
        {
            usState = request.UsState.All(char.IsAsciiLetter) ? request.UsState.ToUpperInvariant() : string.Empty;
            if (!UsStateCode.IsValid(usState))
            {
                throw EnumMap.Invalid("us_state", "must be a two-letter USPS code");
            }
        }

        var filter = new PartnershipFilter(
            EnumMap.ToDomainOrNull(request.Gateway),
            EnumMap.ToDomainOrNull(request.Designation),
            usState);
        var page = await Network.ListPartnershipsAsync(filter, request.PageSize, request.PageToken, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.ListPartnershipsResponse { NextPageToken = page.NextPageToken, TotalSize = page.TotalSize };
        response.Partnerships.AddRange(page.Partnerships.Select(ProtoMap.ToProto));
        return response;
    }
}
