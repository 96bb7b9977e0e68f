using Google.Protobuf;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Gateway.Requests;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Uploads;

/// <summary>
/// Applies one UploadObservations stream in batches as it arrives, so the gateway's memory is bounded by
/// <see cref="UploadOptions.MaxBufferedRows"/> rows whatever the stream's length. Rows are cut into batches of
/// <see cref="UploadOptions.BatchRows"/> in arrival order (batch n is always rows n·BatchRows onwards, however the
/// client chunks them); each batch is one call per indicator it reaches (those calls concurrently), one batch at a time, while the stream is read
/// on. When the buffer is full, reading waits for the batch being written (the client's HTTP/2 flow control then holds
/// its sender). With a request id, each batch is recorded by its indicators under <c>{id}/{n}</c>, so a retried upload
/// replays the batches already applied and applies the rest: every row is stored once. Per-row errors are kept up to a
/// bound; an earlier batch's accepted cells are remembered (one small key per cell) so that a later row for the same
/// cell is a duplicate, as within one batch. Not thread-safe: one reader calls <see cref="AddAsync"/> then
/// <see cref="CompleteAsync"/>; the batch in flight touches only the tallies, which are read after it completed.
/// </summary>
public sealed class UploadBatcher : IAsyncDisposable
{
    /// <summary>Most indicator calls of one batch in flight at once.</summary>
    public const int MaxConcurrentIndicatorCalls = 16;

    private readonly IGrainFactory _grains;
    private readonly UploadOptions _options;
    private readonly V1.UploadHeader _header;
    private readonly string _partnershipId;
    private readonly RequestParts? _parts;
    private readonly int _maxReportedErrors;
    private readonly Queue<(int Index, V1.UploadRow Row)> _pending = new();
    private readonly List<V1.IndicatorUploadCounts> _indicators = [];
    private readonly Dictionary<string, (V1.IndicatorUploadCounts Counts, bool Exists)> _byIndicator = new(StringComparer.Ordinal);
    private readonly HashSet<(string IndicatorId, int Year, string Gender, string Population)> _acceptedCells = [];
    private readonly List<RowError> _errors = [];
    private Task _inFlight = Task.CompletedTask;
    private int _inFlightRows;
    private int _batches;
    private bool _errorsTruncated;

    /// <summary>
    /// Creates the batcher of one stream, after its header was checked (the partnership exists and the caller may
    /// write it). <paramref name="parts"/> makes the batches' request keys (null without a request id; ignored when
    /// validating only, which stores nothing).
    /// </summary>
    public UploadBatcher(IGrainFactory grains, UploadOptions options, V1.UploadHeader header, RequestParts? parts, int maxReportedErrors)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegative(maxReportedErrors);
        _grains = grains;
        _options = options;
        _header = header;
        _partnershipId = header.PartnershipId;
        _parts = header.ValidateOnly ? null : parts;
        _maxReportedErrors = maxReportedErrors;
    }

    /// <summary>Rows received so far.</summary>
    public int ReceivedCount { get; private set; }

    /// <summary>Rows held now: received and not yet answered by their indicator (waiting, or in the batch being written).</summary>
    public int HeldRows => _pending.Count + _inFlightRows;

    /// <summary>The most rows held at any time (never above <see cref="UploadOptions.MaxBufferedRows"/>).</summary>
    public int PeakHeldRows { get; private set; }

    /// <summary>Batches started so far.</summary>
    public int BatchCount => _batches;

    /// <summary>
    /// Takes the rows of one chunk (at most <see cref="UploadOptions.MaxChunkRows"/>), starts the next batch when one
    /// is due and none is being written, and returns once the buffer has room for another chunk (waiting for the batch
    /// in flight when it has not). A batch's failure (storage, a stale request id) surfaces here or in
    /// <see cref="CompleteAsync"/>.
    /// </summary>
    public async Task AddAsync(IReadOnlyList<V1.UploadRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count > UploadOptions.MaxChunkRows || HeldRows + rows.Count > _options.MaxBufferedRows)
        {
            // The service checks chunk sizes and waits for room before reading; this keeps the bound a fact.
            throw new InvalidOperationException($"a chunk of {rows.Count} rows does not fit the upload buffer");
        }

        foreach (var row in rows)
        {
            _pending.Enqueue((ReceivedCount++, row));
        }

        PeakHeldRows = Math.Max(PeakHeldRows, HeldRows);
        while (true)
        {
            if (_inFlight.IsCompleted)
            {
                await SettleAsync().ConfigureAwait(false);
                if (_pending.Count < _options.BatchRows)
                {
                    return; // nothing in flight and less than a batch held: a chunk fits (MaxBufferedRows >= BatchRows + a chunk)
                }

                Start(_options.BatchRows, cancellationToken);
                continue; // the batch may have completed already (e.g. rows of unknown indicators only)
            }

            if (HeldRows + UploadOptions.MaxChunkRows <= _options.MaxBufferedRows)
            {
                return;
            }

            await _inFlight.ConfigureAwait(false);
        }
    }

    /// <summary>Applies what is left after the client half-closed and answers with the counts and the reported errors.</summary>
    public async Task<V1.UploadObservationsResponse> CompleteAsync(CancellationToken cancellationToken)
    {
        await SettleAsync().ConfigureAwait(false);
        while (_pending.Count > 0)
        {
            Start(Math.Min(_options.BatchRows, _pending.Count), cancellationToken);
            await SettleAsync().ConfigureAwait(false);
        }

        var response = new V1.UploadObservationsResponse
        {
            ReceivedCount = ReceivedCount,
            AcceptedCount = _indicators.Sum(c => c.AcceptedCount),
            ReplacedCount = _indicators.Sum(c => c.ReplacedCount),
            RejectedCount = _indicators.Sum(c => c.RejectedCount),
            ValidateOnly = _header.ValidateOnly,
            ErrorsTruncated = _errorsTruncated,
        };
        response.Errors.AddRange(_errors.Select(ProtoMap.ToProto));
        response.Indicators.AddRange(_indicators);
        return response;
    }

    /// <summary>Waits for the batch in flight, if any, without rethrowing: the call has failed already when this runs early.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _inFlight.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The stream already ended with an error of its own; the batch's failure adds nothing for the client.
        }
    }

    private async Task SettleAsync()
    {
        await _inFlight.ConfigureAwait(false);
        _inFlightRows = 0;
    }

    private void Start(int rows, CancellationToken cancellationToken)
    {
        var batch = new List<(int Index, V1.UploadRow Row)>(rows);
        for (var i = 0; i < rows; i++)
        {
            batch.Add(_pending.Dequeue());
        }

        _inFlightRows = rows;
        _inFlight = ApplyAsync(batch, _batches++, cancellationToken);
    }

    // One call per indicator of the batch. The indicators are distinct grains, so their calls run concurrently (at most
    // MaxConcurrentIndicatorCalls at a time): a batch costs about its slowest indicator write rather than the sum of
    // them, and the store can commit those writes together (docs/adr/0015). Indicators are looked up and results are
    // tallied in first-seen order, which the response promises for `indicators`.
    private async Task ApplyAsync(List<(int Index, V1.UploadRow Row)> batch, int part, CancellationToken cancellationToken)
    {
        var errors = new List<RowError>();
        var calls = new List<(V1.IndicatorUploadCounts Counts, string IndicatorId, List<UploadRowInput> Inputs, RequestKey? Key)>();
        foreach (var group in batch.GroupBy(r => r.Row.IndicatorId, StringComparer.Ordinal))
        {
            var indicatorId = group.Key;
            var rows = group.ToList();
            var (counts, exists) = await IndicatorAsync(indicatorId, cancellationToken).ConfigureAwait(false);
            if (!exists)
            {
                errors.AddRange(rows.Select(r => new RowError(
                    r.Index, indicatorId, r.Row.ClientRef, ObservationErrorCode.UnknownIndicator, "indicator_id",
                    $"partnership '{_partnershipId}' has no indicator '{indicatorId}'")));
                counts.RejectedCount += rows.Count;
                continue;
            }

            var inputs = rows.Select(r =>
            {
                var observation = r.Row.Observation is null ? null : RequestMap.Observation(r.Row.Observation);
                var seenEarlier = observation is not null && _acceptedCells.Contains((indicatorId, observation.Year, observation.Gender, observation.Population));
                return new UploadRowInput(r.Index, r.Row.DefinitionVersion, observation, r.Row.ClientRef, seenEarlier);
            }).ToList();
            calls.Add((counts, indicatorId, inputs, _parts?.Key(part, rows.Select(r => r.Row).Prepend<IMessage>(_header))));
        }

        var results = new UploadResult[calls.Count];
        Task<UploadResult> Call(int i, CancellationToken ct) => _grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(_partnershipId, calls[i].IndicatorId))
            .UploadAsync(calls[i].Inputs, _header.ValidateOnly, calls[i].Key, ct);
        if (calls.Count == 1)
        {
            results[0] = await Call(0, cancellationToken).ConfigureAwait(false);
        }
        else if (calls.Count > 1)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, calls.Count),
                new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentIndicatorCalls, CancellationToken = cancellationToken },
                async (i, ct) => results[i] = await Call(i, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        for (var i = 0; i < calls.Count; i++)
        {
            var (counts, indicatorId, inputs, _) = calls[i];
            var result = results[i];
            var rejected = result.Errors.Select(e => e.RowIndex).ToHashSet();
            foreach (var input in inputs)
            {
                if (input.Observation is { } o && !rejected.Contains(input.RowIndex))
                {
                    _acceptedCells.Add((indicatorId, o.Year, o.Gender, o.Population));
                }
            }

            counts.AcceptedCount += result.AcceptedCount;
            counts.ReplacedCount += result.ReplacedCount;
            counts.RejectedCount += rejected.Count;
            errors.AddRange(result.Errors);
        }

        // Batches come in row order, so keeping the first errors of each batch keeps the first of the stream.
        foreach (var error in errors.OrderBy(e => e.RowIndex))
        {
            if (_errors.Count < _maxReportedErrors)
            {
                _errors.Add(error);
            }
            else
            {
                _errorsTruncated = true;
            }
        }
    }

    private async Task<(V1.IndicatorUploadCounts Counts, bool Exists)> IndicatorAsync(string indicatorId, CancellationToken cancellationToken)
    {
        if (!_byIndicator.TryGetValue(indicatorId, out var known))
        {
            var exists = StriveId.IsValid(indicatorId)
                && await _grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(_partnershipId, indicatorId)).ExistsAsync(cancellationToken).ConfigureAwait(false);
            known = (new V1.IndicatorUploadCounts { IndicatorId = indicatorId }, exists);
            _byIndicator[indicatorId] = known;
            _indicators.Add(known.Counts);
        }

        return known;
    }
}
