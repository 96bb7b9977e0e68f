using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.Extensions.Options;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Gateway.Requests;
using StriveNetwork.Gateway.Uploads;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Services;

/// <summary>
/// strive.v1.IndicatorService on the indicator grains. GetIndicator is bound by <see cref="CachedReadMethods"/> and
/// answered from the <see cref="ResponseCache"/> when it holds the current state.
/// </summary>
[BindServiceMethod(typeof(IndicatorService), nameof(BindService))]
public sealed class IndicatorService(IGrainFactory grains, IOptions<UploadOptions> uploads, ResponseCache cache) : V1.IndicatorService.IndicatorServiceBase
{
    private const int MaxSubmitRows = 5_000;
    private const int MaxUploadRows = 100_000;
    private const int MaxReportedErrors = 1_000;
    // Three rows' messages fit the 300-character cap of every status message (GrainErrorMapping.MaxMessageLength).
    private const int MaxErrorsInMessage = 3;

    /// <summary>The service's descriptor (server reflection looks it up on the type the bind attribute names).</summary>
    public static ServiceDescriptor Descriptor => V1.IndicatorService.Descriptor;

    /// <summary>
    /// Binds every generated method except the cached reads, which <see cref="CachedReadMethods"/> binds. The second
    /// parameter is the generated base type: Grpc.AspNetCore finds the handlers as overrides of that type's methods.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, V1.IndicatorService.IndicatorServiceBase? service) =>
        V1.IndicatorService.BindService(new CachedReadMethods.ExceptBinder(binder, CachedReadMethods.IndicatorMethods), service);

    public override async Task<V1.DefineIndicatorResponse> DefineIndicator(V1.DefineIndicatorRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var partnershipId = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayWrite(partnershipId);
        var indicatorId = RequestMap.Id(request.IndicatorId, "indicator_id");
        var spec = RequestMap.Indicator(request.Definition);
        var outcome = await Indicator(partnershipId, indicatorId).DefineAsync(spec, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.DefineIndicatorResponse { Indicator = ProtoMap.ToProto(outcome.Indicator), Result = EnumMap.ToProto(outcome.Result) };
    }

    public override async Task<V1.SubmitObservationsResponse> SubmitObservations(V1.SubmitObservationsRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var partnershipId = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayWrite(partnershipId);
        var indicatorId = RequestMap.Id(request.IndicatorId, "indicator_id");
        if (request.Observations.Count == 0)
        {
            throw EnumMap.Invalid("observations", "must contain at least one observation");
        }

        if (request.Observations.Count > MaxSubmitRows)
        {
            throw EnumMap.Invalid("observations", $"at most {MaxSubmitRows} observations per call (got {request.Observations.Count}); use UploadObservations");
        }

        var rows = request.Observations.Select(RequestMap.Observation).ToList();
        try
        {
            // No existence check up front (one grain call less on the hottest write): an indicator is defined only
            // after its partnership reserved it, and partnerships are never removed, so a defined indicator proves the
            // partnership. Only a refusal asks the partnership, to name what is missing.
            var receipt = await Indicator(partnershipId, indicatorId).SubmitAsync(request.DefinitionVersion, rows, key, context.CancellationToken).ConfigureAwait(false);
            return new V1.SubmitObservationsResponse
            {
                AcceptedCount = receipt.AcceptedCount,
                ReplacedCount = receipt.ReplacedCount,
                DefinitionVersion = receipt.DefinitionVersion,
            };
        }
        catch (NotFoundException)
        {
            await EnsurePartnershipAsync(partnershipId, context.CancellationToken).ConfigureAwait(false);
            throw;
        }
        catch (GrainValidationException exception) when (exception.Rows.Count > 0)
        {
            // The message lists the first invalid rows with the proto paths of their fields.
            var listed = exception.Rows.Take(MaxErrorsInMessage).Select(r => $"{SubmitRowField(r)}: {r.Message}");
            var more = exception.Rows.Count > MaxErrorsInMessage ? $" (and {exception.Rows.Count - MaxErrorsInMessage} more)" : string.Empty;
            throw GatewayErrors.Of(
                StatusCode.InvalidArgument,
                $"{exception.Rows.Count} invalid observation(s), nothing stored: {string.Join("; ", listed)}{more}");
        }
    }

    public override async Task<V1.UploadObservationsResponse> UploadObservations(IAsyncStreamReader<V1.UploadObservationsRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var parts = RequestIds.PartsOf(context);
        UploadBatcher? batcher = null;
        try
        {
            // Rows are applied in batches while the stream is read (UploadBatcher); before each read the buffer has
            // room for a whole chunk, so the rows held stay within UploadOptions.MaxBufferedRows.
            await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                switch (message.PayloadCase)
                {
                    case V1.UploadObservationsRequest.PayloadOneofCase.Header when batcher is null:
                        var partnershipId = RequestMap.Id(message.Header.PartnershipId, "header.partnership_id");
                        context.GetCaller().EnsureMayWrite(partnershipId);
                        await EnsurePartnershipAsync(partnershipId, context.CancellationToken).ConfigureAwait(false);
                        batcher = new UploadBatcher(grains, uploads.Value, message.Header, parts, MaxReportedErrors);
                        break;
                    case V1.UploadObservationsRequest.PayloadOneofCase.Header:
                        throw EnumMap.Invalid("header", "a stream carries exactly one header, as its first message");
                    case V1.UploadObservationsRequest.PayloadOneofCase.Chunk when batcher is null:
                    case V1.UploadObservationsRequest.PayloadOneofCase.None:
                        throw EnumMap.Invalid("header", "the first message of the stream must be a header");
                    case V1.UploadObservationsRequest.PayloadOneofCase.Chunk:
                        if (message.Chunk.Rows.Count > UploadOptions.MaxChunkRows)
                        {
                            throw EnumMap.Invalid("chunk.rows", $"at most {UploadOptions.MaxChunkRows} rows per chunk (got {message.Chunk.Rows.Count})");
                        }

                        if (batcher.ReceivedCount + message.Chunk.Rows.Count > MaxUploadRows)
                        {
                            throw GatewayErrors.Of(StatusCode.ResourceExhausted, $"at most {MaxUploadRows} rows per upload stream");
                        }

                        await batcher.AddAsync(message.Chunk.Rows, context.CancellationToken).ConfigureAwait(false);
                        break;
                }
            }

            return batcher is null
                ? throw EnumMap.Invalid("header", "the stream carried no header")
                : await batcher.CompleteAsync(context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (batcher is not null)
            {
                await batcher.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// GetIndicator as the wire serves it (encoded, from the cache when current); the access check comes first. A hit
    /// answers synchronously, without allocating.
    /// </summary>
    public Task<EncodedResponse> GetIndicatorEncoded(V1.GetIndicatorRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var partnershipId = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayRead(partnershipId);
        var indicatorId = RequestMap.Id(request.IndicatorId, "indicator_id");
        if (request.DefinitionVersion < 0)
        {
            throw EnumMap.Invalid("definition_version", "must be 0 (current) or a positive version");
        }

        // A cached view was answered once the partnership existed (partnerships are never deleted), so a hit skips the check.
        var read = CachedRead.Indicator(partnershipId, indicatorId, request.DefinitionVersion);
        var lookup = cache.Find(read);
        return lookup.Hit?.Completed ?? ReadIndicatorAsync(partnershipId, indicatorId, request.DefinitionVersion, read, lookup, context.CancellationToken);
    }

    /// <summary>Not bound to the wire (see <see cref="GetIndicatorEncoded"/>); answers in-process callers the same.</summary>
    public override async Task<V1.GetIndicatorResponse> GetIndicator(V1.GetIndicatorRequest request, ServerCallContext context) =>
        V1.GetIndicatorResponse.Parser.ParseFrom((await GetIndicatorEncoded(request, context).ConfigureAwait(false)).Bytes);

    private IIndicatorGrain Indicator(string partnershipId, string indicatorId) =>
        grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(partnershipId, indicatorId));

    private async Task EnsurePartnershipAsync(string partnershipId, CancellationToken cancellationToken)
    {
        if (!await grains.GetGrain<IPartnershipGrain>(partnershipId).ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw GatewayErrors.Of(StatusCode.NotFound, $"Partnership '{partnershipId}' does not exist.");
        }
    }

    // The grain names fields of a submitted batch "observations[i].counts.numerator" already; prefix only bare ones.
    private static string SubmitRowField(RowError row)
    {
        var prefix = $"observations[{row.RowIndex}]";
        if (row.Field.StartsWith(prefix, StringComparison.Ordinal))
        {
            return row.Field;
        }

        var field = row.Field.StartsWith("observation.", StringComparison.Ordinal) ? row.Field["observation.".Length..] : row.Field;
        return $"{prefix}.{field}";
    }

    // The miss of GetIndicatorEncoded: the partnership must exist, then the grain call and the answer kept.
    private async Task<EncodedResponse> ReadIndicatorAsync(string partnershipId, string indicatorId, int definitionVersion, CachedRead read, ResponseCacheLookup lookup, CancellationToken cancellationToken)
    {
        await EnsurePartnershipAsync(partnershipId, cancellationToken).ConfigureAwait(false);
        var view = await Indicator(partnershipId, indicatorId).GetAsync(definitionVersion, cancellationToken).ConfigureAwait(false);
        return cache.Store(read, lookup, ProtoMap.ToProto(view));
    }
}
