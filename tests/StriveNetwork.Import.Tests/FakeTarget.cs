using System.Collections.Concurrent;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Observations;

namespace StriveNetwork.Import.Tests;

/// <summary>
/// An import target in memory that behaves as the service does for what the importer relies on: request ids make a
/// repeated upload a replay that writes nothing (the first receipt is answered); a write moves the indicator's
/// update time. With <c>countOnly</c> it stores no observation (for the 1,000,000-row file: the fake's own memory
/// must not hide the importer's).
/// </summary>
internal sealed class FakeTarget(bool countOnly = false)
{
    private readonly Dictionary<string, (IndicatorDefinition Definition, DateTimeOffset UpdateTime)> _indicators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UploadReceipt> _requests = new(StringComparer.Ordinal);
    private readonly bool _countOnly = countOnly;
    private long _clock = 1;

    public ConcurrentDictionary<(string Indicator, int Year, string Gender, string Population), (long? N, long? D, string? Marker)> Cells { get; } = new();

    public int Uploads { get; private set; }

    public int Replays { get; private set; }

    public long RowsReceived { get; private set; }

    public int MaxRowsInOneStream { get; private set; }

    public List<(string RequestId, int Count)> Assessments { get; } = [];

    public string Etag { get; private set; } = "etag-1";

    public FakeTarget Indicator(string id, int version = 1)
    {
        _indicators[id] = (Definition(id, version), DateTimeOffset.FromUnixTimeSeconds(_clock++));
        return this;
    }

    public static IndicatorDefinition Definition(string id, int version = 1) => new(
        id, "Third grade reading", Outcome.EarlyGradeReading, IndicatorRole.Core, Polarity.HigherIsBetter, "percent", 2019,
        new Dictionary<int, double>(), version, PopulationTaxonomy.Cia2024.Version);

    public IImportTarget AsTarget() => new Target(this);

    private sealed class Target(FakeTarget fake) : IImportTarget
    {
        public Task<IndicatorSnapshot?> GetIndicatorAsync(string partnershipId, string indicatorId, CancellationToken cancellationToken = default) =>
            Task.FromResult(fake._indicators.TryGetValue(indicatorId, out var i) ? new IndicatorSnapshot(i.Definition, i.UpdateTime) : null);

        public async Task<UploadReceipt> UploadAsync(string partnershipId, string requestId, IAsyncEnumerable<ImportedObservation> observations, CancellationToken cancellationToken = default)
        {
            fake.Uploads++;
            var rows = 0;
            var replaced = 0;
            var touched = new HashSet<string>(StringComparer.Ordinal);
            var replay = fake._requests.TryGetValue(requestId, out var first);
            await foreach (var item in observations.WithCancellation(cancellationToken))
            {
                rows++;
                Assert.Equal(fake._indicators[item.IndicatorId].Definition.DefinitionVersion, item.Observation.DefinitionVersion);
                if (replay || fake._countOnly)
                {
                    continue;
                }

                var o = item.Observation;
                if (!fake.Cells.TryAdd((item.IndicatorId, o.Year, o.Gender, o.Population), (o.Numerator, o.Denominator, item.SourceMarker)))
                {
                    fake.Cells[(item.IndicatorId, o.Year, o.Gender, o.Population)] = (o.Numerator, o.Denominator, item.SourceMarker);
                    replaced++;
                }

                touched.Add(item.IndicatorId);
            }

            fake.RowsReceived += rows;
            fake.MaxRowsInOneStream = Math.Max(fake.MaxRowsInOneStream, rows);
            Assert.InRange(rows, 1, ObservationImporter.MaxRowsPerStream);
            if (replay)
            {
                fake.Replays++;
                return first!;
            }

            foreach (var id in touched)
            {
                fake._indicators[id] = fake._indicators[id] with { UpdateTime = DateTimeOffset.FromUnixTimeSeconds(fake._clock++) };
            }

            var receipt = new UploadReceipt(rows, replaced, []);
            fake._requests[requestId] = receipt;
            return receipt;
        }

        public Task<(string FrameworkId, string Etag)?> GetPartnershipAsync(string partnershipId, CancellationToken cancellationToken = default) =>
            Task.FromResult<(string, string)?>(("toa-6g", fake.Etag));

        public Task<string> RecordAssessmentsAsync(string partnershipId, string requestId, IReadOnlyList<BenchmarkAssessment> assessments, CancellationToken cancellationToken = default)
        {
            if (!fake.Assessments.Any(a => a.RequestId == requestId))
            {
                fake.Assessments.Add((requestId, assessments.Count));
                fake.Etag = "etag-" + (fake.Assessments.Count + 1);
            }

            return Task.FromResult(fake.Etag);
        }
    }
}
