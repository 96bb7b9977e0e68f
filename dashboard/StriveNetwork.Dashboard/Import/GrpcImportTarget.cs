using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Observations;
using DomainAssessment = StriveNetwork.Domain.Assessments.BenchmarkAssessment;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Import;

/// <summary>
/// The import target of <c>silo import</c> and of the dashboard's import page: the strive.v1 API of a running silo,
/// called with the person's own bearer token. Uploads are client-streaming <c>UploadObservations</c> calls in chunks of 1,000 rows with metadata
/// <c>strive-request-id</c>; each row's <c>client_ref</c> is its row number, so a rejection names the file's row.
/// </summary>
public sealed class GrpcImportTarget(CallInvoker invoker, string token) : IImportTarget
{
    private const int ChunkRows = 1_000;
    private static readonly TimeSpan UnaryDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StreamDeadline = TimeSpan.FromMinutes(30);

    /// <inheritdoc />
    public async Task<IndicatorSnapshot?> GetIndicatorAsync(string partnershipId, string indicatorId, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await UnaryAsync<V1.GetIndicatorRequest, V1.GetIndicatorResponse>(
                "IndicatorService", "GetIndicator", new V1.GetIndicatorRequest { PartnershipId = partnershipId, IndicatorId = indicatorId }, null, cancellationToken).ConfigureAwait(false);
            var indicator = response.Indicator;
            var d = indicator.Definition;
            var definition = new IndicatorDefinition(
                indicatorId,
                d.DisplayName,
                EnumMap.ToDomain(d.Outcome, "outcome"),
                EnumMap.ToDomain(d.Kind, "kind"),
                EnumMap.ToDomain(d.Polarity, "polarity"),
                "percent",
                d.BaselineYear,
                d.Targets.ToDictionary(t => t.Year, t => t.Value),
                d.DefinitionVersion,
                string.IsNullOrEmpty(d.TaxonomyVersion) ? PopulationTaxonomy.Cia2024.Version : d.TaxonomyVersion);
            return new IndicatorSnapshot(definition, indicator.UpdateTime?.ToDateTimeOffset() ?? DateTimeOffset.MinValue);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound && exception.Status.Detail.StartsWith("Indicator", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<UploadReceipt> UploadAsync(string partnershipId, string requestId, IAsyncEnumerable<ImportedObservation> observations, CancellationToken cancellationToken = default)
    {
        using var call = invoker.AsyncClientStreamingCall(
            Method<V1.UploadObservationsRequest, V1.UploadObservationsResponse>(MethodType.ClientStreaming, "IndicatorService", "UploadObservations"),
            null,
            Options(requestId, StreamDeadline, cancellationToken));
        await call.RequestStream.WriteAsync(new V1.UploadObservationsRequest { Header = new V1.UploadHeader { PartnershipId = partnershipId } }, cancellationToken).ConfigureAwait(false);
        var chunk = new V1.UploadChunk();
        await foreach (var item in observations.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            chunk.Rows.Add(Row(item));
            if (chunk.Rows.Count == ChunkRows)
            {
                await call.RequestStream.WriteAsync(new V1.UploadObservationsRequest { Chunk = chunk }, cancellationToken).ConfigureAwait(false);
                chunk = new V1.UploadChunk();
            }
        }

        if (chunk.Rows.Count > 0)
        {
            await call.RequestStream.WriteAsync(new V1.UploadObservationsRequest { Chunk = chunk }, cancellationToken).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        var response = await call.ResponseAsync.ConfigureAwait(false);
        var rejections = response.Errors.Select(e => new AppliedRejection(
            int.TryParse(e.ClientRef, NumberStyles.None, CultureInfo.InvariantCulture, out var row) ? row : 0, e.Field, e.Message)).ToList();
        return new UploadReceipt(response.AcceptedCount, response.ReplacedCount, rejections);
    }

    /// <inheritdoc />
    public async Task<(string FrameworkId, string Etag)?> GetPartnershipAsync(string partnershipId, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await UnaryAsync<V1.GetPartnershipRequest, V1.GetPartnershipResponse>(
                "PartnershipService", "GetPartnership", new V1.GetPartnershipRequest { PartnershipId = partnershipId }, null, cancellationToken).ConfigureAwait(false);
            return (response.Partnership.Profile.FrameworkId, response.Partnership.Etag);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<string> RecordAssessmentsAsync(string partnershipId, string requestId, IReadOnlyList<DomainAssessment> assessments, CancellationToken cancellationToken = default)
    {
        var request = new V1.RecordAssessmentRequest { PartnershipId = partnershipId };
        request.Assessments.AddRange(assessments.Select(a => new V1.BenchmarkAssessment
        {
            BenchmarkId = a.BenchmarkId,
            Status = EnumMap.ToProto(a.Status),
            EvidenceNote = a.EvidenceNote ?? string.Empty,
            AssessmentDate = new V1.Date { Year = a.Date.Year, Month = a.Date.Month, Day = a.Date.Day },
            Assessor = a.Assessor,
        }));
        var response = await UnaryAsync<V1.RecordAssessmentRequest, V1.RecordAssessmentResponse>(
            "PartnershipService", "RecordAssessment", request, requestId, cancellationToken).ConfigureAwait(false);
        return response.Etag;
    }

    private static V1.UploadRow Row(ImportedObservation item)
    {
        var o = item.Observation;
        var observation = new V1.Observation
        {
            Year = o.Year,
            Gender = EnumMap.GenderToProto(o.Gender),
            Population = EnumMap.PopulationToProto(o.Population),
        };
        if (o.SuppressedAtSource)
        {
            observation.SuppressedAtSource = new V1.SourceSuppression { Marker = item.SourceMarker ?? string.Empty };
        }
        else
        {
            observation.Counts = new V1.CellCounts { Numerator = checked((int)o.Numerator!.Value), Denominator = checked((int)o.Denominator!.Value) };
        }

        return new V1.UploadRow
        {
            IndicatorId = item.IndicatorId,
            DefinitionVersion = o.DefinitionVersion,
            Observation = observation,
            ClientRef = item.Row.ToString(CultureInfo.InvariantCulture),
        };
    }

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(string service, string method, TRequest request, string? requestId, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = invoker.AsyncUnaryCall(Method<TRequest, TResponse>(MethodType.Unary, service, method), null, Options(requestId, UnaryDeadline, cancellationToken), request);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    private CallOptions Options(string? requestId, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        if (requestId is not null)
        {
            headers.Add("strive-request-id", requestId);
        }

        return new CallOptions(headers, DateTime.UtcNow + deadline, cancellationToken);
    }

    private static Method<TRequest, TResponse> Method<TRequest, TResponse>(MethodType type, string service, string method)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        new(type, "strive.v1." + service, method,
            Marshallers.Create<TRequest>(m => m.ToByteArray(), _ => throw new NotSupportedException("a client never reads requests")),
            Marshallers.Create(m => m.ToByteArray(), new MessageParser<TResponse>(() => new TResponse()).ParseFrom));
}
