using System.Text.Json;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// An indicator suppresses again only the years a batch touched and keeps that publication for reads (docs/adr/0015):
/// what it shows after a run of batches must equal what a fresh activation, publishing everything from storage, shows.
/// </summary>
public abstract class IncrementalPublishTests(GrainCluster c)
{
    /// <summary>One year's table: female and male for all students and three race groups, one of them small when <paramref name="small"/>.</summary>
    private static IEnumerable<ObservationRow> Year(int year, bool small)
    {
        foreach (var gender in new[] { "female", "male" })
        {
            var aian = small && gender == "female" ? (2L, 5L) : (40L, 90L);
            yield return Sample.Cell(year, gender, "aian", aian.Item1, aian.Item2);
            yield return Sample.Cell(year, gender, "black", 150, 300);
            yield return Sample.Cell(year, gender, "white", 300, 600);
            yield return Sample.Cell(year, gender, "all", 150 + 300 + aian.Item1, 300 + 600 + aian.Item2);
        }
    }

    private static UploadRowInput[] Inputs(IEnumerable<ObservationRow> rows) => [.. rows.Select((r, i) => new UploadRowInput(i, 0, r, string.Empty))];

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task ViewsAfterBatches_EqualAFullPublication_AfterReactivation()
    {
        var partnership = c.Partnership(Sample.Id("incr"));
        await partnership.RegisterAsync(Sample.Profile());
        var indicator = c.Indicator(partnership.GetPrimaryKeyString(), "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));

        await indicator.UploadAsync(Inputs(Year(2019, small: false).Concat(Year(2020, small: false))), validateOnly: false);
        var before = await indicator.GetAsync(0); // publication kept from the first batch
        // 2020 changes (a small cell appears) and 2021 is new; 2019 is not touched by this batch.
        await indicator.UploadAsync(Inputs(Year(2020, small: true).Concat(Year(2021, small: false))), validateOnly: false);
        var view = await indicator.GetAsync(0);
        var summary = await indicator.GetSummaryAsync();

        Assert.Equal([2019, 2020], before.Series.Select(y => y.Year));
        Assert.Equal([2019, 2020, 2021], view.Series.Select(y => y.Year));
        var aian2020 = view.Series.Single(y => y.Year == 2020).Cells.Single(cell => cell.Gender == "female" && cell.Population == "aian");
        Assert.Equal(RateState.Suppressed, aian2020.Rate.State);

        await c.Cluster.DeactivateAsync(indicator);
        Assert.Equal(Json(view), Json(await indicator.GetAsync(0)));
        Assert.Equal(Json(summary), Json(await indicator.GetSummaryAsync()));
    }
}

public sealed class MemoryIncrementalPublishTests(MemoryClusterFixture fixture)
    : IncrementalPublishTests(fixture.Cluster), IClassFixture<MemoryClusterFixture>;

public sealed class SqliteIncrementalPublishTests(SqliteClusterFixture fixture)
    : IncrementalPublishTests(fixture.Cluster), IClassFixture<SqliteClusterFixture>;
