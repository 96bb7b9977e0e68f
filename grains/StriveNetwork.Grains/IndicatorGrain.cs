using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Abstractions.Views;
using StriveNetwork.Grains.Outbox;
using StriveNetwork.Grains.Requests;
using StriveNetwork.Grains.Views;

namespace StriveNetwork.Grains;

/// <summary>One stored observation (aggregate counts of one cell) under one definition version.</summary>
[GenerateSerializer, Immutable, Alias("strive.StoredObservation")]
public sealed record StoredObservation(int Version, int Year, string Gender, string Population, long? Numerator, long? Denominator, bool SuppressedAtSource, string SourceMarker);

/// <summary>Durable state of an indicator grain.</summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorState")]
public sealed record IndicatorState : IOutboxState<IndicatorState, IndicatorSummary>
{
    /// <summary>Every definition version, ascending; empty until defined.</summary>
    [Id(0)]
    public IReadOnlyList<IndicatorSpec> Versions { get; init; } = [];

    /// <summary>Every observation of every version.</summary>
    [Id(1)]
    public IReadOnlyList<StoredObservation> Observations { get; init; } = [];

    /// <summary>Sequence of the last published summary.</summary>
    [Id(2)]
    public long Sequence { get; init; }

    /// <summary>When the definition or observations last changed.</summary>
    [Id(3)]
    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>The summary the partnership has not acknowledged yet (at most one: it keeps only the latest).</summary>
    [Id(4)]
    public Outbox<IndicatorSummary> Outbox { get; init; } = Outbox<IndicatorSummary>.Empty;

    /// <summary>The partnership's rule settings this indicator computes with; null = the network defaults.</summary>
    [Id(5)]
    public PartnershipSettings? Settings { get; init; }

    /// <summary>The client request ids of recent writes (an upload's batches: <c>{id}/{n}</c>), recorded in the write itself (docs/adr/0011).</summary>
    [Id(20)]
    public RequestLog Requests { get; init; } = RequestLog.Empty;

    /// <inheritdoc />
    public IndicatorState WithOutbox(Outbox<IndicatorSummary> outbox) => this with { Outbox = outbox };
}

/// <summary>An indicator of one partnership (key <c>{partnershipId}/{indicatorId}</c>): definition, observations, trend and gaps.</summary>
[GrainType("indicator")]
public sealed class IndicatorGrain(
    [PersistentState("indicator")] IPersistentState<IndicatorState> state,
    IOptions<SuppressionSettings> settings,
    IOptions<PartnershipLimits> limits,
    RequestRecorder requests,
    ILogger<IndicatorGrain> logger,
    TimeProvider time) : OutboxGrain<IndicatorState, IndicatorSummary>(state, logger, time), IIndicatorGrain
{
    private const int MaxBatchRows = 5000;
    private IndicatorComputation? _computationCache;

    private IndicatorComputation _computation =>
        _computationCache ??= new(Stored.State.Settings?.ToDomain() ?? settings.Value.ToRuleSettings());
    private PublishedSeries? _published;
    private Receiver<IPartnershipGrain> _partnership;

    // Views computed on the first read after a change, per definition version and per report-card year (docs/adr/0014).
    private CachedViews<long, IndicatorView>? _views;
    private CachedViews<long, ReportCardIndicatorView?>? _reportCardEntries;

    private string? _key;
    private string? _partnershipId;
    private string? _indicatorId;

    // Held: the grain id decodes its key into a new string on every call.
    private string Key => _key ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    protected override ViewSource? AnnouncedAs => new ViewSource(ViewSourceKind.Indicator, Key);

    private string PartnershipId => _partnershipId ??= Key[..Key.IndexOf('/', StringComparison.Ordinal)];

    private string IndicatorId => _indicatorId ??= Key[(Key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private IndicatorSpec? Current => Stored.State.Versions.Count == 0 ? null : Stored.State.Versions[^1];

    public async Task<DefineOutcome> DefineAsync(IndicatorSpec definition, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (requests.Replay(Stored.State.Requests, request) is { } replay)
        {
            var version = replay.DefinitionVersion ?? throw RequestRecorder.Reused();
            var defined = Stored.State.Versions.FirstOrDefault(v => v.DefinitionVersion == version) ?? RequireDefined();
            return new DefineOutcome(Info(defined), replay.Define ?? throw RequestRecorder.Reused());
        }

        IndicatorValidation.ValidateDefinition(IndicatorId, definition);
        var partnership = GrainFactory.GetGrain<IPartnershipGrain>(PartnershipId);
        if (Current is null)
        {
            // The partnership holds a bounded number of indicators: it records this one before its first definition
            // is stored (a definition whose write then fails leaves a reservation, which a retry reuses).
            await partnership.ReserveIndicatorAsync(IndicatorId, cancellationToken);
        }
        else if (!await partnership.ExistsAsync(cancellationToken))
        {
            throw new NotFoundException($"Partnership '{PartnershipId}' does not exist.");
        }

        var spec = definition with { TaxonomyVersion = IndicatorComputation.Taxonomy(definition), Unit = string.IsNullOrEmpty(definition.Unit) ? "percent" : definition.Unit };
        var current = Current;
        DefineResult result;
        IReadOnlyList<IndicatorSpec> versions;
        if (current is null)
        {
            result = DefineResult.Created;
            versions = [spec];
        }
        else if (spec.DefinitionVersion < current.DefinitionVersion)
        {
            throw new PreconditionFailedException(
                $"definition.definition_version: {spec.DefinitionVersion} is below the current version {current.DefinitionVersion}; versions only move forward.");
        }
        else if (spec.DefinitionVersion == current.DefinitionVersion)
        {
            var changed = new List<string>();
            if (spec.Outcome != current.Outcome) changed.Add("outcome");
            if (spec.Polarity != current.Polarity) changed.Add("polarity");
            if (!string.Equals(spec.Unit, current.Unit, StringComparison.Ordinal)) changed.Add("unit");
            if (!string.Equals(spec.TaxonomyVersion, current.TaxonomyVersion, StringComparison.Ordinal)) changed.Add("taxonomy_version");
            if (changed.Count > 0)
            {
                throw new PreconditionFailedException(
                    $"definition: {string.Join(", ", changed)} cannot change within definition version {current.DefinitionVersion}; raise definition_version to start a new series.");
            }

            if (SameJson(spec, current))
            {
                if (request is not null)
                {
                    await RecordOnlyAsync(request, Defined(DefineResult.Unchanged, current), cancellationToken);
                }

                return new DefineOutcome(Info(current), DefineResult.Unchanged);
            }

            result = DefineResult.UpdatedInPlace;
            versions = [.. Stored.State.Versions.Take(Stored.State.Versions.Count - 1), spec];
        }
        else
        {
            if (Stored.State.Versions.Count >= limits.Value.MaxDefinitionVersions)
            {
                throw new QuotaExceededException(
                    $"definition.definition_version: an indicator keeps at most {limits.Value.MaxDefinitionVersions} definition versions; define a new indicator instead.");
            }

            result = DefineResult.NewVersion;
            versions = [.. Stored.State.Versions, spec];
        }

        var next = Stored.State with { Versions = versions, Requests = requests.Record(Stored.State.Requests, request, Defined(result, spec)) };
        if (current is null)
        {
            // A new indicator computes with its partnership's settings from the start.
            var partnershipSettings = await GrainFactory.GetGrain<IPartnershipGrain>(PartnershipId).GetRuleSettingsAsync(cancellationToken);
            next = next with { Settings = partnershipSettings };
            _computationCache = new IndicatorComputation(partnershipSettings.ToDomain());
            _published = null;
        }

        await CommitAsync(next, cancellationToken);
        return new DefineOutcome(Info(spec), result);
    }

    public async Task<SubmitReceipt> SubmitAsync(int definitionVersionGuard, IReadOnlyList<ObservationRow> rows, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (requests.Replay(Stored.State.Requests, request) is { } replay)
        {
            return replay.Observations ?? throw RequestRecorder.Reused();
        }

        var current = RequireDefined();
        if (definitionVersionGuard > 0 && definitionVersionGuard != current.DefinitionVersion)
        {
            throw new PreconditionFailedException(
                $"definition_version: {definitionVersionGuard} is not the indicator's current version {current.DefinitionVersion}.");
        }

        if (rows.Count == 0)
        {
            throw new GrainValidationException("observations", "at least one observation is required.");
        }

        if (rows.Count > MaxBatchRows)
        {
            throw new GrainValidationException("observations", $"{rows.Count} rows is more than the maximum of {MaxBatchRows} per call.");
        }

        var errors = new List<RowError>();
        var seen = new HashSet<(int, string, string)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (IndicatorValidation.ValidateRow(current, rows[i], $"observations[{i}]", i, IndicatorId, string.Empty, seen) is { } error)
            {
                errors.Add(error);
            }
        }

        if (errors.Count > 0)
        {
            var first = string.Join("; ", errors.Take(10).Select(e => $"{e.Field}: {e.Message}"));
            throw new GrainValidationException("observations", $"{errors.Count} invalid row(s), nothing stored: {first}")
            {
                Rows = errors,
            };
        }

        var (accepted, replaced) = await StoreAsync(current, rows, request, cancellationToken);
        return new SubmitReceipt(accepted, replaced, current.DefinitionVersion);
    }

    public async Task<UploadResult> UploadAsync(IReadOnlyList<UploadRowInput> rows, bool validateOnly, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);

        // Validating stores nothing, so there is nothing to record or replay.
        request = validateOnly ? null : request;
        if (requests.Replay(Stored.State.Requests, request) is { } replay)
        {
            // The row errors are not stored (up to one per row): they are found again, as the first call found them,
            // against the definition version it checked the rows with.
            var counts = replay.Observations ?? throw RequestRecorder.Reused();
            var checkedAgainst = Stored.State.Versions.FirstOrDefault(v => v.DefinitionVersion == counts.DefinitionVersion) ?? RequireDefined();
            return new UploadResult(counts.AcceptedCount, counts.ReplacedCount, Classify(checkedAgainst, rows).Errors);
        }

        var current = RequireDefined();
        var (valid, errors) = Classify(current, rows);
        if (validateOnly)
        {
            var existing = ExistingCells(current.DefinitionVersion);
            var wouldReplace = valid.Count(r => existing.Contains((r.Year, r.Gender, r.Population)));
            return new UploadResult(valid.Count, wouldReplace, errors);
        }

        if (valid.Count == 0)
        {
            if (request is not null)
            {
                await RecordOnlyAsync(request, new RequestResult { Observations = new SubmitReceipt(0, 0, current.DefinitionVersion) }, cancellationToken);
            }

            return new UploadResult(0, 0, errors);
        }

        var (accepted, replaced) = await StoreAsync(current, valid, request, cancellationToken);
        return new UploadResult(accepted, replaced, errors);
    }

    /// <summary>The valid rows of an upload and the errors of the others, against <paramref name="current"/>.</summary>
    private (List<ObservationRow> Valid, List<RowError> Errors) Classify(IndicatorSpec current, IReadOnlyList<UploadRowInput> rows)
    {
        var errors = new List<RowError>();
        var valid = new List<ObservationRow>();
        var seen = new HashSet<(int, string, string)>();
        foreach (var row in rows)
        {
            RowError? error;
            if (row.DefinitionVersionGuard > 0 && row.DefinitionVersionGuard != current.DefinitionVersion)
            {
                error = new RowError(row.RowIndex, IndicatorId, row.ClientRef, ObservationErrorCode.DefinitionVersionMismatch, "definition_version",
                    $"definition version {row.DefinitionVersionGuard} is not the indicator's current version {current.DefinitionVersion}.");
            }
            else if (row.Observation is null)
            {
                error = new RowError(row.RowIndex, IndicatorId, row.ClientRef, ObservationErrorCode.MissingValue, "observation", "the row has no observation.");
            }
            else
            {
                error = IndicatorValidation.ValidateRow(current, row.Observation, "observation", row.RowIndex, IndicatorId, row.ClientRef, seen);
                if (error is null && row.CellSeenEarlier)
                {
                    error = IndicatorValidation.Duplicate(row.Observation, "observation", row.RowIndex, IndicatorId, row.ClientRef);
                }
            }

            if (error is null)
            {
                valid.Add(row.Observation!);
            }
            else
            {
                errors.Add(error);
            }
        }

        return (valid, errors);
    }

    public Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Current is not null);

    public Task<IndicatorView> GetAsync(int definitionVersion, CancellationToken cancellationToken = default)
    {
        RequireDefined();
        _views ??= new();
        return Task.FromResult(_views.Get(StateVersion, definitionVersion, this, static (g, version) => g.ComputeView(version)));
    }

    private IndicatorView ComputeView(int definitionVersion)
    {
        var current = RequireDefined();
        var spec = definitionVersion == 0 ? current : Stored.State.Versions.FirstOrDefault(v => v.DefinitionVersion == definitionVersion)
            ?? throw new NotFoundException($"Indicator '{IndicatorId}' of partnership '{PartnershipId}' has no definition version {definitionVersion}.");
        var published = spec == current ? PublishedCurrent() : _computation.Publish(IndicatorComputation.Series(IndicatorId, spec, Stored.State.Observations));
        var years = published.Years(spec.DefinitionVersion);
        var series = years.Select(y => new IndicatorYearView(y, IndicatorComputation.Cells(published, spec.DefinitionVersion, y))).ToList();
        return new IndicatorView(Info(spec), series, _computation.Trend(published), _computation.Gaps(published, spec.Gaps), _computation.MinimumN);
    }

    public Task<IndicatorSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        var current = RequireDefined();
        return Task.FromResult(_computation.Summary(PartnershipId, IndicatorId, Stored.State.Sequence, current, PublishedCurrent()));
    }

    public Task<ReportCardIndicatorView?> GetReportCardEntryAsync(int year, CancellationToken cancellationToken = default)
    {
        RequireDefined();
        _reportCardEntries ??= new();
        return Task.FromResult(_reportCardEntries.Get(StateVersion, year, this, static (g, y) => g._computation.ReportCardEntry(g.Current!, g.PublishedCurrent(), y)));
    }

    private static bool SameJson(IndicatorSpec a, IndicatorSpec b) =>
        string.Equals(JsonSerializer.Serialize(a), JsonSerializer.Serialize(b), StringComparison.Ordinal);

    private IndicatorSpec RequireDefined() => Current
        ?? throw new NotFoundException($"Indicator '{IndicatorId}' of partnership '{PartnershipId}' does not exist.");

    private HashSet<(int, string, string)> ExistingCells(int version) =>
        [.. Stored.State.Observations.Where(o => o.Version == version).Select(o => (o.Year, o.Gender, o.Population))];

    private async Task<(int Accepted, int Replaced)> StoreAsync(IndicatorSpec current, IReadOnlyList<ObservationRow> rows, RequestKey? request, CancellationToken cancellationToken)
    {
        var version = current.DefinitionVersion;
        var cells = Stored.State.Observations.ToDictionary(o => (o.Version, o.Year, o.Gender, o.Population));
        var replaced = 0;
        foreach (var r in rows)
        {
            var key = (version, r.Year, r.Gender, r.Population);
            if (cells.ContainsKey(key))
            {
                replaced++;
            }

            cells[key] = r.SuppressedAtSource
                ? new StoredObservation(version, r.Year, r.Gender, r.Population, null, null, true, r.SourceMarker ?? string.Empty)
                : new StoredObservation(version, r.Year, r.Gender, r.Population, r.Numerator, r.Denominator, false, string.Empty);
        }

        var next = Stored.State with
        {
            Observations = [.. cells.Values.OrderBy(o => o.Version).ThenBy(o => o.Year)],
            Requests = requests.Record(Stored.State.Requests, request, new RequestResult { Observations = new SubmitReceipt(rows.Count, replaced, version) }),
        };

        // The domain validator is the last word: a batch it rejects never lands.
        IndicatorSeries series;
        try
        {
            series = IndicatorComputation.Series(IndicatorId, current, next.Observations);
        }
        catch (IndicatorValidationException ex)
        {
            throw new GrainValidationException(ex.Errors.FirstOrDefault()?.Field ?? "observations", ex.Message);
        }

        // Only the years this batch touched are suppressed again (docs/adr/0015); the series just validated is the one
        // published (same definition, same observations).
        await CommitAsync(next, [.. rows.Select(r => (version, r.Year)).Distinct()], series, cancellationToken);
        return (rows.Count, replaced);
    }

    /// <summary>
    /// Writes <paramref name="next"/> with the summary it owes the partnership, in one state write. With
    /// <paramref name="changedTables"/> (an ingest batch: the (version, year) tables it touched) the publication is
    /// derived from the current one, suppressing only those tables again; it is kept for reads once written.
    /// <paramref name="series"/>: the series of <paramref name="next"/>'s current definition when the caller has it
    /// already; null = built here.
    /// </summary>
    private async Task CommitAsync(
        IndicatorState next, IReadOnlyList<(int Version, int Year)>? changedTables, IndicatorSeries? series, CancellationToken cancellationToken)
    {
        var previousPublished = _published;
        next = next with { Sequence = Stored.State.Sequence + 1, UpdateTime = Time.GetUtcNow() };
        series ??= IndicatorComputation.Series(IndicatorId, next.Versions[^1], next.Observations);
        var published = changedTables is not null && Current is { } current && current.DefinitionVersion == next.Versions[^1].DefinitionVersion
            ? _computation.Republish(series, PublishedCurrent(), changedTables.ToHashSet())
            : _computation.Publish(series);
        var summary = _computation.Summary(PartnershipId, IndicatorId, next.Sequence, next.Versions[^1], published);
        try
        {
            _published = null;
            await CommitAsync(next, [new OutboundEvent<IndicatorSummary>(OutboxTarget.Partnership, PartnershipId, summary, LatestOnly: true)], cancellationToken);
            _published = published;
        }
        catch
        {
            _published = previousPublished;
            throw;
        }
    }

    private Task CommitAsync(IndicatorState next, CancellationToken cancellationToken) => CommitAsync(next, changedTables: null, series: null, cancellationToken);

    /// <summary>Records a request that changed nothing: a state write of the log alone, publishing nothing.</summary>
    private Task RecordOnlyAsync(RequestKey request, RequestResult result, CancellationToken cancellationToken) =>
        CommitAsync(Stored.State with { Requests = requests.Record(Stored.State.Requests, request, result) }, [], series: null, cancellationToken);

    private static RequestResult Defined(DefineResult result, IndicatorSpec spec) => new() { Define = result, DefinitionVersion = spec.DefinitionVersion };

    public async Task ApplySettingsAsync(PartnershipSettings partnershipSettings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partnershipSettings);
        if (Current is null || partnershipSettings == Stored.State.Settings)
        {
            return;
        }

        var previous = _computationCache;
        try
        {
            _computationCache = new IndicatorComputation(partnershipSettings.ToDomain());
            _published = null;
            await CommitAsync(Stored.State with { Settings = partnershipSettings }, cancellationToken);
        }
        catch
        {
            _computationCache = previous;
            _published = null;
            throw;
        }
    }

    protected override Task DeliverAsync(OutboxEntry<IndicatorSummary> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _partnership.Get(GrainFactory, entry.TargetKey).ApplyIndicatorSummaryAsync(entry.Payload);
    }

    private PublishedSeries PublishedCurrent() => _published ??= Publish(Stored.State);

    private PublishedSeries Publish(IndicatorState s) => _computation.Publish(IndicatorComputation.Series(IndicatorId, s.Versions[^1], s.Observations));

    private IndicatorInfo Info(IndicatorSpec spec) => new(
        PartnershipId,
        IndicatorId,
        spec,
        [.. Stored.State.Versions.Select(v => v.DefinitionVersion)],
        [.. Stored.State.Observations.Where(o => o.Version == spec.DefinitionVersion).Select(o => o.Year).Distinct().Order()],
        Stored.State.UpdateTime);
}
