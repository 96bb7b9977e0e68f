using Grpc.Core;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.IndicatorService on the indicator grains.</summary>
public sealed class IndicatorService(IGrainFactory grains) : V1.IndicatorService.IndicatorServiceBase
{
    private const int MaxSubmitRows = 5_000;
    private const int MaxChunkRows = 1_000;
    private const int MaxUploadRows = 100_000;
    private const int MaxReportedErrors = 1_000;
    // Three rows' messages fit the 300-character cap of every status message (GrainErrorInterceptor.MaxMessageLength).
    private const int MaxErrorsInMessage = 3;

    public override async Task<V1.DefineIndicatorResponse> DefineIndicator(V1.DefineIndicatorRequest request, ServerCallContext context)
    {
        var partnershipId = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayWrite(partnershipId);
        var indicatorId = RequestMap.Id(request.IndicatorId, "indicator_id");
        var spec = RequestMap.Indicator(request.Definition);
        var outcome = await Indicator(partnershipId, indicatorId).DefineAsync(spec, context.CancellationToken).ConfigureAwait(false);
        return new V1.DefineIndicatorResponse { Indicator = ProtoMap.ToProto(outcome.Indicator), Result = EnumMap.ToProto(outcome.Result) };
    }

    public override async Task<V1.SubmitObservationsResponse> SubmitObservations(V1.SubmitObservationsRequest request, ServerCallContext context)
    {
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

        await EnsurePartnershipAsync(partnershipId, context.CancellationToken).ConfigureAwait(false);
        var rows = request.Observations.Select(RequestMap.Observation).ToList();
        try
        {
            var receipt = await Indicator(partnershipId, indicatorId).SubmitAsync(request.DefinitionVersion, rows, context.CancellationToken).ConfigureAwait(false);
            return new V1.SubmitObservationsResponse
            {
                AcceptedCount = receipt.AcceptedCount,
                ReplacedCount = receipt.ReplacedCount,
                DefinitionVersion = receipt.DefinitionVersion,
            };
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
        string? partnershipId = null;
        var validateOnly = false;
        var rows = new List<(int Index, V1.UploadRow Row)>();
        var received = 0;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            switch (message.PayloadCase)
            {
                case V1.UploadObservationsRequest.PayloadOneofCase.Header when partnershipId is null:
                    partnershipId = RequestMap.Id(message.Header.PartnershipId, "header.partnership_id");
                    context.GetCaller().EnsureMayWrite(partnershipId);
                    await EnsurePartnershipAsync(partnershipId, context.CancellationToken).ConfigureAwait(false);
                    validateOnly = message.Header.ValidateOnly;
                    break;
                case V1.UploadObservationsRequest.PayloadOneofCase.Header:
                    throw EnumMap.Invalid("header", "a stream carries exactly one header, as its first message");
                case V1.UploadObservationsRequest.PayloadOneofCase.Chunk when partnershipId is null:
                case V1.UploadObservationsRequest.PayloadOneofCase.None:
                    throw EnumMap.Invalid("header", "the first message of the stream must be a header");
                case V1.UploadObservationsRequest.PayloadOneofCase.Chunk:
                    if (message.Chunk.Rows.Count > MaxChunkRows)
                    {
                        throw EnumMap.Invalid("chunk.rows", $"at most {MaxChunkRows} rows per chunk (got {message.Chunk.Rows.Count})");
                    }

                    foreach (var row in message.Chunk.Rows)
                    {
                        rows.Add((received++, row));
                    }

                    if (received > MaxUploadRows)
                    {
                        throw GatewayErrors.Of(StatusCode.ResourceExhausted, $"at most {MaxUploadRows} rows per upload stream");
                    }

                    break;
            }
        }

        if (partnershipId is null)
        {
            throw EnumMap.Invalid("header", "the stream carried no header");
        }

        var errors = new List<RowError>();
        var perIndicator = new List<V1.IndicatorUploadCounts>();
        // GroupBy keeps first-seen order, which the response promises for `indicators`.
        foreach (var group in rows.GroupBy(r => r.Row.IndicatorId, StringComparer.Ordinal))
        {
            var inputs = group.Select(r => new UploadRowInput(
                r.Index,
                r.Row.DefinitionVersion,
                r.Row.Observation is null ? null : RequestMap.Observation(r.Row.Observation),
                r.Row.ClientRef)).ToList();
            var counts = new V1.IndicatorUploadCounts { IndicatorId = group.Key };
            if (!IsId(group.Key) || !await Indicator(partnershipId, group.Key).ExistsAsync(context.CancellationToken).ConfigureAwait(false))
            {
                errors.AddRange(inputs.Select(i => new RowError(
                    i.RowIndex,
                    group.Key,
                    i.ClientRef,
                    ObservationErrorCode.UnknownIndicator,
                    "indicator_id",
                    $"partnership '{partnershipId}' has no indicator '{group.Key}'")));
                counts.RejectedCount = inputs.Count;
            }
            else
            {
                var result = await Indicator(partnershipId, group.Key).UploadAsync(inputs, validateOnly, context.CancellationToken).ConfigureAwait(false);
                errors.AddRange(result.Errors);
                counts.AcceptedCount = result.AcceptedCount;
                counts.ReplacedCount = result.ReplacedCount;
                counts.RejectedCount = result.Errors.Select(e => e.RowIndex).Distinct().Count();
            }

            perIndicator.Add(counts);
        }

        var response = new V1.UploadObservationsResponse
        {
            ReceivedCount = received,
            AcceptedCount = perIndicator.Sum(c => c.AcceptedCount),
            ReplacedCount = perIndicator.Sum(c => c.ReplacedCount),
            RejectedCount = perIndicator.Sum(c => c.RejectedCount),
            ValidateOnly = validateOnly,
            ErrorsTruncated = errors.Count > MaxReportedErrors,
        };
        response.Errors.AddRange(errors.OrderBy(e => e.RowIndex).Take(MaxReportedErrors).Select(ProtoMap.ToProto));
        response.Indicators.AddRange(perIndicator);
        return response;
    }

    public override async Task<V1.GetIndicatorResponse> GetIndicator(V1.GetIndicatorRequest request, ServerCallContext context)
    {
        var partnershipId = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayRead(partnershipId);
        var indicatorId = RequestMap.Id(request.IndicatorId, "indicator_id");
        if (request.DefinitionVersion < 0)
        {
            throw EnumMap.Invalid("definition_version", "must be 0 (current) or a positive version");
        }

        await EnsurePartnershipAsync(partnershipId, context.CancellationToken).ConfigureAwait(false);
        var view = await Indicator(partnershipId, indicatorId).GetAsync(request.DefinitionVersion, context.CancellationToken).ConfigureAwait(false);
        return ProtoMap.ToProto(view);
    }

    private IIndicatorGrain Indicator(string partnershipId, string indicatorId) =>
        grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(partnershipId, indicatorId));

    private async Task EnsurePartnershipAsync(string partnershipId, CancellationToken cancellationToken)
    {
        if (!await grains.GetGrain<IPartnershipGrain>(partnershipId).ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw GatewayErrors.Of(StatusCode.NotFound, $"Partnership '{partnershipId}' does not exist.");
        }
    }

    private static bool IsId(string value)
    {
        try
        {
            RequestMap.Id(value, "indicator_id");
            return true;
        }
        catch (RpcException)
        {
            return false;
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
}
