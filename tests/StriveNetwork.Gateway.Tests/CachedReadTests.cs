using System.Diagnostics.Metrics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The cached reads through the real front door and silo (docs/adr/0014): every read issued after a write's reply
/// shows the write, whether the response came from the cache or the grain; repeated reads are served from the cache.
/// </summary>
public sealed class CachedReadTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Lookups = "strive.gateway.response_cache.lookups";

    private Task<TResponse> Call<TRequest, TResponse>(string method, TRequest request)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse>, new() =>
        fixture.CallAsync<TRequest, TResponse>(fixture.Admin, method, request);

    private Task<GetProgressResponse> Progress(string id) =>
        Call<GetProgressRequest, GetProgressResponse>("PartnershipService/GetProgress", new() { PartnershipId = id });

    private async Task<string> RegisterAsync(string prefix)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await Call<RegisterPartnershipRequest, RegisterPartnershipResponse>("PartnershipService/RegisterPartnership",
            new() { PartnershipId = id, Profile = GatewayFixture.Profile("toa-6g") });
        return id;
    }

    [Fact]
    public async Task Progress_ReadAfterEachAssessmentReply_ShowsIt_AndRepeatsAreHits()
    {
        using var metrics = new MetricRecorder(fixture.Services.GetRequiredService<IMeterFactory>());
        var id = await RegisterAsync("cached");
        var benchmarks = (await Progress(id)).Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks).Select(b => b.BenchmarkId).Take(8).ToList();
        foreach (var benchmark in benchmarks)
        {
            // Twice: the first read may fill the cache, the second may be served from it; neither shows the write yet.
            for (var i = 0; i < 2; i++)
            {
                Assert.NotEqual(BenchmarkStatus.Met, Status(await Progress(id), benchmark));
            }

            var assessment = new RecordAssessmentRequest { PartnershipId = id };
            assessment.Assessments.Add(GatewayFixture.Assessment(benchmark, BenchmarkStatus.Met));
            await Call<RecordAssessmentRequest, RecordAssessmentResponse>("PartnershipService/RecordAssessment", assessment);
            Assert.Equal(BenchmarkStatus.Met, Status(await Progress(id), benchmark));
        }

        Assert.True(metrics.Sum(Lookups, ("strive.read", "progress"), ("strive.result", "hit")) >= benchmarks.Count,
            "repeated reads of an unchanged partnership are served from the cache");
        Assert.True(metrics.Sum(Lookups, ("strive.read", "progress"), ("strive.result", "miss")) >= benchmarks.Count,
            "every read after a write misses");
    }

    [Fact]
    public async Task Progress_AfterSettingsChangeAndReevaluation_IsRecomputed()
    {
        var id = await RegisterAsync("cached-s");
        var before = await Progress(id);
        Assert.Equal(before, await Progress(id));
        Assert.Null(before.LastReevaluation);

        var settings = await Call<GetPartnershipSettingsRequest, GetPartnershipSettingsResponse>("PartnershipService/GetPartnershipSettings", new() { PartnershipId = id });
        var changed = settings.Settings.Clone();
        changed.ReevaluationPeriodMonths += 6;
        await Call<UpdatePartnershipSettingsRequest, UpdatePartnershipSettingsResponse>("PartnershipService/UpdatePartnershipSettings",
            new() { PartnershipId = id, Settings = changed, Etag = settings.Etag });
        var after = await Progress(id);
        var due = new DateOnly(before.NextReevaluationDue.Year, before.NextReevaluationDue.Month, before.NextReevaluationDue.Day).AddMonths(6);
        Assert.Equal((due.Year, due.Month, due.Day), (after.NextReevaluationDue.Year, after.NextReevaluationDue.Month, after.NextReevaluationDue.Day));

        await Call<ReevaluateDesignationsRequest, ReevaluateDesignationsResponse>("PartnershipService/ReevaluateDesignations", new() { PartnershipId = id });
        Assert.NotNull((await Progress(id)).LastReevaluation);
    }

    [Fact]
    public async Task Partnership_ReadAfterProfileUpdateReply_ShowsIt()
    {
        var id = await RegisterAsync("cached-p");
        var read = new GetPartnershipRequest { PartnershipId = id };
        var first = await Call<GetPartnershipRequest, GetPartnershipResponse>("PartnershipService/GetPartnership", read);
        Assert.Equal(first, await Call<GetPartnershipRequest, GetPartnershipResponse>("PartnershipService/GetPartnership", read));

        var etag = first.Partnership.Etag;
        foreach (var name in new[] { "Renamed once", "Renamed twice", "Renamed thrice" })
        {
            var update = new UpdatePartnershipProfileRequest
            {
                PartnershipId = id,
                Profile = new PartnershipProfile { DisplayName = name },
                UpdateMask = new FieldMask { Paths = { "display_name" } },
                Etag = etag,
            };
            var updated = await Call<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>("PartnershipService/UpdatePartnershipProfile", update);
            var shown = await Call<GetPartnershipRequest, GetPartnershipResponse>("PartnershipService/GetPartnership", read);
            Assert.Equal(name, shown.Partnership.Profile.DisplayName);
            Assert.Equal(updated.Partnership.Etag, shown.Partnership.Etag);
            etag = shown.Partnership.Etag;
        }
    }

    [Fact]
    public async Task Indicator_ReadAfterObservationsReply_ShowsThem_AtEveryVersionAsked()
    {
        var id = await RegisterAsync("cached-i");
        await Call<DefineIndicatorRequest, DefineIndicatorResponse>("IndicatorService/DefineIndicator",
            new() { PartnershipId = id, IndicatorId = "ready", Definition = GatewayFixture.Definition(2018) });
        foreach (var year in new[] { 2018, 2019, 2020, 2021 })
        {
            foreach (var version in new[] { 0, 1 })
            {
                var read = new GetIndicatorRequest { PartnershipId = id, IndicatorId = "ready", DefinitionVersion = version };
                var before = await Call<GetIndicatorRequest, GetIndicatorResponse>("IndicatorService/GetIndicator", read);
                Assert.DoesNotContain(before.Series, y => y.Year == year);
            }

            var submit = new SubmitObservationsRequest { PartnershipId = id, IndicatorId = "ready" };
            submit.Observations.Add(GatewayFixture.Observation(year, Gender.All, Population.AllStudents, 40 + year - 2018, 100));
            await Call<SubmitObservationsRequest, SubmitObservationsResponse>("IndicatorService/SubmitObservations", submit);
            foreach (var version in new[] { 0, 1 })
            {
                var read = new GetIndicatorRequest { PartnershipId = id, IndicatorId = "ready", DefinitionVersion = version };
                var after = await Call<GetIndicatorRequest, GetIndicatorResponse>("IndicatorService/GetIndicator", read);
                Assert.Contains(after.Series, y => y.Year == year);
            }
        }
    }

    [Fact]
    public async Task CachedReads_StillCheckAccess_AndReportErrors()
    {
        var id = await RegisterAsync("cached-a");
        await Progress(id);
        await Progress(id); // cached now

        // Another partnership's token: refused before the cache is consulted.
        var other = await fixture.PartnershipTokenAsync("beta");
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.CallAsync<GetProgressRequest, GetProgressResponse>(other, "PartnershipService/GetProgress", new() { PartnershipId = id }));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.CallAsync<GetProgressRequest, GetProgressResponse>(null, "PartnershipService/GetProgress", new() { PartnershipId = id }));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);

        // The partnership's own token reads the cached view.
        var own = await fixture.PartnershipTokenAsync(id);
        Assert.Equal(id, (await fixture.CallAsync<GetProgressRequest, GetProgressResponse>(own, "PartnershipService/GetProgress", new() { PartnershipId = id })).PartnershipId);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Progress("no-such-partnership"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var unknownVersion = await Assert.ThrowsAsync<RpcException>(() => Call<GetIndicatorRequest, GetIndicatorResponse>("IndicatorService/GetIndicator",
            new() { PartnershipId = "alpha", IndicatorId = GatewayFixture.AlphaIndicator, DefinitionVersion = 9 }));
        Assert.Equal(StatusCode.NotFound, unknownVersion.StatusCode);
    }

    [Fact]
    public void CachedReads_AreBoundWithTheEncodedResponseMarshaller()
    {
        Assert.Equal("/strive.v1.PartnershipService/GetProgress", CachedReadMethods.GetProgress.FullName);
        Assert.Equal("/strive.v1.PartnershipService/GetPartnership", CachedReadMethods.GetPartnership.FullName);
        Assert.Equal("/strive.v1.IndicatorService/GetIndicator", CachedReadMethods.GetIndicator.FullName);
        Assert.Same(EncodedResponse.Marshaller, CachedReadMethods.GetProgress.ResponseMarshaller);
        Assert.Same(EncodedResponse.Marshaller, CachedReadMethods.GetIndicator.ResponseMarshaller);
    }

    private static BenchmarkStatus Status(GetProgressResponse progress, string benchmarkId) =>
        progress.Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks).Single(b => b.BenchmarkId == benchmarkId).Status;
}
