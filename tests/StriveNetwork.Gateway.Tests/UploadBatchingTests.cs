using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.Uploads;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains.Abstractions;
using ObservationErrorCode = StriveNetwork.Gateway.V1.ObservationErrorCode;

namespace StriveNetwork.Gateway.Tests;

/// <summary>A gateway applying uploads in batches of 10 rows, holding at most 1,010 rows of a stream.</summary>
public sealed class SmallBatchFixture : IAsyncLifetime
{
    public const int BatchRows = 10;

    public GatewayFixture Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await GatewayFixture.StartWithAsync(services: s => s.Configure<UploadOptions>(o =>
    {
        o.BatchRows = BatchRows;
        o.MaxBufferedRows = BatchRows + UploadOptions.MaxChunkRows;
    }));

    public Task DisposeAsync() => Gateway.DisposeAsync();
}

/// <summary>
/// UploadObservations applies a stream in bounded batches as it arrives: the rows held stay within MaxBufferedRows
/// whatever the stream's length, a cancelled stream leaves the batches applied before it, and a retry with the same
/// <c>strive-request-id</c> replays those and applies the rest, so every row is stored once.
/// </summary>
public sealed class UploadBatchingTests(SmallBatchFixture fixture) : IClassFixture<SmallBatchFixture>
{
    private GatewayFixture F => fixture.Gateway;

    [Fact]
    public async Task ACancelledUpload_LeavesItsAppliedBatches_AndARetryWithItsIdStoresEveryRowOnce()
    {
        var (partnership, indicator) = await IndicatorAsync();
        var rows = Rows(35); // batches of 10: rows 0-9, 10-19, 20-29, 30-34
        var headers = new Metadata { { "strive-request-id", Guid.NewGuid().ToString("D") } };
        var start = (await indicator.GetSummaryAsync()).Sequence;

        // The first attempt sends 25 rows (chunks of 7) and is cancelled once two batches are stored; the last 5 rows
        // were held, never applied.
        using (var cancel = new CancellationTokenSource())
        {
            var options = StriveCalls.Options(F.Admin, cancel.Token);
            options.Headers!.Add(headers[0]);
            using var call = F.Channel.CreateCallInvoker().AsyncClientStreamingCall(
                StriveCalls.Method<UploadObservationsRequest, UploadObservationsResponse>(MethodType.ClientStreaming, "IndicatorService/UploadObservations"), null, options);
            foreach (var part in Messages(partnership, rows.Take(25), chunk: 7))
            {
                await call.RequestStream.WriteAsync(part);
            }

            await GatewayFixture.EventuallyAsync(() => indicator.GetAsync(0), v => v.Indicator.Years.Count == 20, "two batches stored");
            await cancel.CancelAsync();
            var cancelled = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        }

        Assert.Equal(start + 2, (await indicator.GetSummaryAsync()).Sequence);
        Assert.Equal(20, (await indicator.GetAsync(0)).Indicator.Years.Count);

        // The retry (chunked differently) replays batches 0 and 1 and applies 2 and 3: nothing is replaced.
        var (code, message, response) = await F.UploadWithAsync(F.Admin, headers, Messages(partnership, rows, chunk: 5));
        Assert.True(code == StatusCode.OK, message);
        Assert.Equal((35, 35, 0, 0), (response!.ReceivedCount, response.AcceptedCount, response.ReplacedCount, response.RejectedCount));
        Assert.Equal(start + 4, (await indicator.GetSummaryAsync()).Sequence);
        Assert.Equal(35, (await indicator.GetAsync(0)).Indicator.Years.Count);

        // Once more: the same answer, nothing written.
        var (_, _, again) = await F.UploadWithAsync(F.Admin, headers, Messages(partnership, rows, chunk: 35));
        Assert.Equal(response, again);
        Assert.Equal(start + 4, (await indicator.GetSummaryAsync()).Sequence);

        // Without the id the same upload is new: every row replaces its own earlier copy, four batches written.
        var (_, _, fresh) = await F.UploadAsync(F.Admin, [.. Messages(partnership, rows, chunk: 35)]);
        Assert.Equal((35, 35), (fresh!.AcceptedCount, fresh.ReplacedCount));
        Assert.Equal(start + 8, (await indicator.GetSummaryAsync()).Sequence);
    }

    [Fact]
    public async Task AnUploadOfManyBatches_ReportsLikeOneRequest_DuplicatesAcrossBatchesIncluded()
    {
        var (partnership, indicator) = await IndicatorAsync();
        var rows = Rows(25).ToList();                      // batches of 10: rows 0-9, 10-19, 20-24
        rows[3] = rows[3].Clone();
        rows[3].Observation.Counts.Denominator = 0;        // 3 (1993): invalid
        rows[14] = Row(1995, 70);                          // 14: the cell of row 5, stored by batch 0: a duplicate
        rows[17] = Row(1993, 60);                          // 17: the cell of row 3, which was rejected: stored
        rows[21] = Row(1993, 40);                          // 21: the cell of row 17, stored by batch 1: a duplicate

        var (dryCode, _, dry) = await F.UploadAsync(F.Admin, [.. Messages(partnership, rows, chunk: 4, validateOnly: true)]);
        Assert.Equal(StatusCode.OK, dryCode);
        Assert.Empty((await indicator.GetAsync(0)).Indicator.Years); // validate_only stored nothing

        var (code, message, response) = await F.UploadAsync(F.Admin, [.. Messages(partnership, rows, chunk: 4)]);
        Assert.True(code == StatusCode.OK, message);
        Assert.Equal((25, 22, 0, 3), (response!.ReceivedCount, response.AcceptedCount, response.ReplacedCount, response.RejectedCount));
        Assert.Equal(
            [(3, ObservationErrorCode.ZeroDenominator), (14, ObservationErrorCode.DuplicateCell), (21, ObservationErrorCode.DuplicateCell)],
            response.Errors.Select(e => (e.RowIndex, e.Code)));
        Assert.Equal("observation.year", response.Errors[1].Field);
        Assert.Equal((dry!.AcceptedCount, dry.RejectedCount), (response.AcceptedCount, response.RejectedCount));
        Assert.Equal(dry.Errors.Select(e => (e.RowIndex, e.Code)), response.Errors.Select(e => (e.RowIndex, e.Code)));

        // The earlier row won: 1995 holds row 5's numerator, 1993 row 17's.
        var series = (await indicator.GetAsync(0)).Series;
        Assert.Equal(5 + 1, series.Single(y => y.Year == 1995).Cells.Single(c => c.Gender == "all" && c.Population == "all").Rate.Numerator);
        Assert.Equal(60, series.Single(y => y.Year == 1993).Cells.Single(c => c.Gender == "all" && c.Population == "all").Rate.Numerator);
    }

    [Fact]
    public async Task TheBatcher_HoldsAtMostMaxBufferedRows_WhateverTheStreamsLength()
    {
        var (partnership, indicator) = await IndicatorAsync();
        var options = new UploadOptions { BatchRows = 250, MaxBufferedRows = 1_250 };
        var header = new UploadHeader { PartnershipId = partnership };
        await using var batcher = new UploadBatcher(F.Grains, options, header, null, maxReportedErrors: 1_000);

        // 12 chunks of 1,000 rows, fed as fast as the batcher takes them: 333 distinct cells, the rest repeats.
        var cells = (from year in Enumerable.Range(1990, 111)
                     from gender in new[] { Gender.All, Gender.Female, Gender.Male }
                     select (year, gender)).ToList();
        const int Chunks = 12;
        for (var chunk = 0; chunk < Chunks; chunk++)
        {
            var rows = Enumerable.Range(chunk * 1_000, 1_000).Select(i =>
            {
                var (year, gender) = cells[i % cells.Count];
                return new UploadRow { IndicatorId = "reading", Observation = GatewayFixture.Observation(year, gender, Population.AllStudents, 20 + (i % 50), 100) };
            }).ToList();
            await batcher.AddAsync(rows, CancellationToken.None);
            Assert.True(batcher.HeldRows <= options.MaxBufferedRows - UploadOptions.MaxChunkRows, $"{batcher.HeldRows} rows held after chunk {chunk}: no room for the next");
        }

        var response = await batcher.CompleteAsync(CancellationToken.None);
        Assert.True(batcher.PeakHeldRows <= options.MaxBufferedRows, $"{batcher.PeakHeldRows} rows held at the peak");
        Assert.Equal(Chunks * 1_000 / options.BatchRows, batcher.BatchCount);
        Assert.Equal((Chunks * 1_000, cells.Count, (Chunks * 1_000) - cells.Count), (response.ReceivedCount, response.AcceptedCount, response.RejectedCount));
        Assert.Equal(1_000, response.Errors.Count);
        Assert.True(response.ErrorsTruncated);
        Assert.All(response.Errors, e => Assert.Equal(ObservationErrorCode.DuplicateCell, e.Code));
        Assert.Equal(111, (await indicator.GetAsync(0)).Indicator.Years.Count);
    }

    [Fact]
    public async Task TheBatcher_KeepsItsBound_WhenBatchesCompleteAtOnce()
    {
        // Rows whose indicator id is malformed need no grain call: each batch completes as it starts.
        var (partnership, _) = await IndicatorAsync();
        var options = new UploadOptions { BatchRows = 10, MaxBufferedRows = 1_010 };
        await using var batcher = new UploadBatcher(F.Grains, options, new UploadHeader { PartnershipId = partnership }, null, maxReportedErrors: 5);
        for (var chunk = 0; chunk < 5; chunk++)
        {
            await batcher.AddAsync([.. Enumerable.Range(0, 1_000).Select(_ => new UploadRow { IndicatorId = "Not An Id" })], CancellationToken.None);
            Assert.True(batcher.HeldRows < options.BatchRows, $"{batcher.HeldRows} rows held after chunk {chunk}");
        }

        var response = await batcher.CompleteAsync(CancellationToken.None);
        Assert.Equal((5_000, 0, 5_000, 5, true), (response.ReceivedCount, response.AcceptedCount, response.RejectedCount, response.Errors.Count, response.ErrorsTruncated));
        Assert.Equal(ObservationErrorCode.UnknownIndicator, response.Errors[0].Code);
        Assert.Equal(500, batcher.BatchCount);
    }

    private async Task<(string Partnership, IIndicatorGrain Indicator)> IndicatorAsync()
    {
        var partnership = "u-" + Guid.NewGuid().ToString("N")[..20];
        await F.Channel.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(F.Admin, "PartnershipService/RegisterPartnership",
            new() { PartnershipId = partnership, Profile = GatewayFixture.Profile("toa-6g") });
        await F.Channel.CallAsync<DefineIndicatorRequest, DefineIndicatorResponse>(F.Admin, "IndicatorService/DefineIndicator",
            new() { PartnershipId = partnership, IndicatorId = "reading", Definition = GatewayFixture.Definition(1990) });
        return (partnership, F.Grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(partnership, "reading")));
    }

    /// <summary>Row i: year 1990 + i, all students, numerator i + 1 of 100: every row its own cell.</summary>
    private static IReadOnlyList<UploadRow> Rows(int count) => [.. Enumerable.Range(0, count).Select(i => Row(1990 + i, i + 1))];

    private static UploadRow Row(int year, int numerator) => new()
    {
        IndicatorId = "reading",
        Observation = GatewayFixture.Observation(year, Gender.All, Population.AllStudents, numerator, 100),
        ClientRef = $"file.csv:{year}",
    };

    private static IEnumerable<UploadObservationsRequest> Messages(string partnership, IEnumerable<UploadRow> rows, int chunk, bool validateOnly = false)
    {
        yield return new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = partnership, ValidateOnly = validateOnly } };
        foreach (var part in rows.Chunk(chunk))
        {
            var message = new UploadChunk();
            message.Rows.AddRange(part);
            yield return new UploadObservationsRequest { Chunk = message };
        }
    }
}
