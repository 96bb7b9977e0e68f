using System.Collections;
using Regex = System.Text.RegularExpressions.Regex;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// Small-cell suppression at the API edge (minimum n 10): a partnership submits a full 36-cell table per year in which
/// Native Hawaiian / Pacific Islander girls are 4 of 6. Whatever a viewer reads (indicator, report card, rollups, cohort
/// comparison, partnership list, the watch stream) shows no small cell, carries no number of a hidden cell, and no
/// hidden cell can be derived from the shown totals and parts, not even by combining the answers.
/// </summary>
public sealed class SuppressionTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Partnership = "supp";
    private const string Indicator = "k-readiness";
    private const string Cohort = "supp-cohort";
    private const int MinimumN = 10;
    private static readonly int[] Years = [2020, 2021, 2022, 2023, 2024];

    private static readonly Population[] Races =
    [
        Population.AmericanIndianAlaskaNative, Population.Asian, Population.Black, Population.Hispanic, Population.MiddleEasternNorthAfrican,
        Population.NativeHawaiianPacificIslander, Population.White, Population.Multiracial, Population.OtherRace,
    ];

    private static readonly Population[] AllPopulations = [Population.AllStudents, .. Races, Population.LowIncome, Population.EnglishLearner];
    private static readonly Gender[] Genders = [Gender.All, Gender.Female, Gender.Male];

    // Per gender and population: (numerator, denominator) in the first year; other years add a little to numerators.
    private static readonly Dictionary<(Gender, Population), (int N, int D)> Base = new()
    {
        [(Gender.Female, Population.AmericanIndianAlaskaNative)] = (20, 40),
        [(Gender.Female, Population.Asian)] = (30, 50),
        [(Gender.Female, Population.Black)] = (40, 100),
        [(Gender.Female, Population.Hispanic)] = (50, 90),
        [(Gender.Female, Population.MiddleEasternNorthAfrican)] = (12, 30),
        [(Gender.Female, Population.NativeHawaiianPacificIslander)] = (4, 6),
        [(Gender.Female, Population.White)] = (100, 160),
        [(Gender.Female, Population.Multiracial)] = (15, 35),
        [(Gender.Female, Population.OtherRace)] = (10, 25),
        [(Gender.Female, Population.LowIncome)] = (60, 150),
        [(Gender.Female, Population.EnglishLearner)] = (20, 60),
        [(Gender.Male, Population.AmericanIndianAlaskaNative)] = (18, 38),
        [(Gender.Male, Population.Asian)] = (28, 52),
        [(Gender.Male, Population.Black)] = (38, 98),
        [(Gender.Male, Population.Hispanic)] = (45, 88),
        [(Gender.Male, Population.MiddleEasternNorthAfrican)] = (11, 28),
        [(Gender.Male, Population.NativeHawaiianPacificIslander)] = (8, 14),
        [(Gender.Male, Population.White)] = (95, 150),
        [(Gender.Male, Population.Multiracial)] = (14, 33),
        [(Gender.Male, Population.OtherRace)] = (9, 24),
        [(Gender.Male, Population.LowIncome)] = (55, 140),
        [(Gender.Male, Population.EnglishLearner)] = (18, 55),
    };

    /// <summary>The submitted (raw) counts of every cell of a year: genders add up to All, races to All students.</summary>
    private static Dictionary<(Gender, Population), (int N, int D)> Raw(int year)
    {
        var k = year - Years[0];
        var cells = new Dictionary<(Gender, Population), (int N, int D)>();
        foreach (var ((gender, population), (n, d)) in Base)
        {
            // The small cell stays 4 of 6 every year; the others improve a little.
            cells[(gender, population)] = population == Population.NativeHawaiianPacificIslander ? (n, d) : (n + (k * Math.Max(1, d / 25)), d);
        }

        foreach (var gender in new[] { Gender.Female, Gender.Male })
        {
            cells[(gender, Population.AllStudents)] = (Races.Sum(r => cells[(gender, r)].N), Races.Sum(r => cells[(gender, r)].D));
        }

        foreach (var population in AllPopulations)
        {
            var (fn, fd) = cells[(Gender.Female, population)];
            var (mn, md) = cells[(Gender.Male, population)];
            cells[(Gender.All, population)] = (fn + mn, fd + md);
        }

        return cells;
    }

    private Task SeededAsync() => fixture.OnceAsync("suppression", async () =>
    {
        await fixture.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(fixture.Admin, "PartnershipService/RegisterPartnership",
            new() { PartnershipId = Partnership, Profile = GatewayFixture.Profile("toa-6g") });
        var definition = GatewayFixture.Definition(Years[0]);
        definition.Targets.Add(new Target { Year = 2026, Value = 70 });
        definition.Gaps.Add(new GapDefinition
        {
            GapId = "nhpi-girls-vs-all",
            Focal = new Group { Gender = Gender.Female, Population = Population.NativeHawaiianPacificIslander },
            ReferenceRule = GapReferenceRule.AllStudents,
        });
        definition.Gaps.Add(new GapDefinition
        {
            GapId = "nhpi-girls-complement",
            Focal = new Group { Gender = Gender.Female, Population = Population.NativeHawaiianPacificIslander },
            ReferenceRule = GapReferenceRule.Complement,
        });
        definition.Gaps.Add(new GapDefinition
        {
            GapId = "black-vs-best",
            Focal = new Group { Gender = Gender.All, Population = Population.Black },
            ReferenceRule = GapReferenceRule.BestGroupAtBaseline,
        });
        await fixture.CallAsync<DefineIndicatorRequest, DefineIndicatorResponse>(fixture.Admin, "IndicatorService/DefineIndicator",
            new() { PartnershipId = Partnership, IndicatorId = Indicator, Definition = definition });
        var submit = new SubmitObservationsRequest { PartnershipId = Partnership, IndicatorId = Indicator };
        foreach (var year in Years)
        {
            foreach (var ((gender, population), (n, d)) in Raw(year))
            {
                submit.Observations.Add(GatewayFixture.Observation(year, gender, population, n, d));
            }
        }

        var receipt = await fixture.CallAsync<SubmitObservationsRequest, SubmitObservationsResponse>(fixture.Admin, "IndicatorService/SubmitObservations", submit);
        Assert.Equal(Years.Length * 36, receipt.AcceptedCount);
        await fixture.CallAsync<CreateCohortRequest, CreateCohortResponse>(fixture.Admin, "CohortService/CreateCohort",
            new() { CohortId = Cohort, DisplayName = "Suppression cohort", MemberIds = { Partnership, "alpha" } });

        // Bounded wait until the indicator's trend has reached the network and cohort rollups through the streams.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var network = await fixture.CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(fixture.Viewer, "NetworkService/GetNetworkRollup", new());
            var cohort = await fixture.CallAsync<GetCohortRollupRequest, GetCohortRollupResponse>(fixture.Viewer, "CohortService/GetCohortRollup", new() { CohortId = Cohort });
            var tracked = network.Rollup.OutcomeTrends.Any(o => o.Outcome == Outcome.KindergartenReadiness && o.Improved + o.Maintained + o.Worsened + o.InsufficientData > 0);
            if (tracked && cohort.Members.Single(m => m.PartnershipId == Partnership).OutcomeTrends.Count > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the rollups never tracked {Indicator}: {network}");
            await Task.Delay(50);
        }
    });

    private Task<GetIndicatorResponse> IndicatorAsAsync(string token) =>
        fixture.CallAsync<GetIndicatorRequest, GetIndicatorResponse>(token, "IndicatorService/GetIndicator", new() { PartnershipId = Partnership, IndicatorId = Indicator });

    /// <summary>Every answer a NETWORK_VIEWER can get about the network after the submission, by name.</summary>
    private async Task<List<(string Name, IMessage Response)>> ViewerReadsAsync()
    {
        var viewer = fixture.Viewer;
        var reads = new List<(string, IMessage)>
        {
            ("GetIndicator", await IndicatorAsAsync(viewer)),
            ("GetReportCard", await fixture.CallAsync<GetReportCardRequest, GetReportCardResponse>(viewer, "PartnershipService/GetReportCard", new() { PartnershipId = Partnership })),
            ("GetNetworkRollup", await fixture.CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(viewer, "NetworkService/GetNetworkRollup", new())),
            ("CompareBenchmarks", await fixture.CallAsync<CompareBenchmarksRequest, CompareBenchmarksResponse>(viewer, "CohortService/CompareBenchmarks", new() { CohortId = Cohort })),
            ("GetCohortRollup", await fixture.CallAsync<GetCohortRollupRequest, GetCohortRollupResponse>(viewer, "CohortService/GetCohortRollup", new() { CohortId = Cohort })),
            ("ListPartnerships", await fixture.CallAsync<ListPartnershipsRequest, ListPartnershipsResponse>(viewer, "NetworkService/ListPartnerships", new())),
            ("GetProgress", await fixture.CallAsync<GetProgressRequest, GetProgressResponse>(viewer, "PartnershipService/GetProgress", new() { PartnershipId = Partnership })),
        };
        foreach (var year in Years)
        {
            reads.Add(($"GetReportCard({year})", await fixture.CallAsync<GetReportCardRequest, GetReportCardResponse>(viewer, "PartnershipService/GetReportCard", new() { PartnershipId = Partnership, Year = year })));
        }

        var (code, message, first) = await fixture.WatchFirstAsync(viewer);
        Assert.True(first is not null, $"WatchNetworkRollup: {code} {message}");
        reads.Add(("WatchNetworkRollup", first));
        return reads;
    }

    [Fact]
    public async Task SmallCell_IsSuppressedWithoutANumber_AndItsGapsDependOnSuppressed()
    {
        await SeededAsync();
        var indicator = await IndicatorAsAsync(fixture.Viewer);
        Assert.Equal(MinimumN, indicator.MinimumN);
        Assert.Equal(Years, indicator.Series.Select(y => y.Year));
        foreach (var year in indicator.Series)
        {
            Assert.Equal(36, year.Cells.Count);
            var small = year.Cells.Single(c => c.Group.Gender == Gender.Female && c.Group.Population == Population.NativeHawaiianPacificIslander);
            Assert.Equal(Rate.ValueOneofCase.Suppressed, small.Rate.ValueCase);
            Assert.Equal(SuppressionReason.SmallCell, small.Rate.Suppressed.Reason);

            // Complementary suppression hides more than the one small cell: its gender row and its population column.
            Assert.True(year.Cells.Count(c => c.Rate.ValueCase == Rate.ValueOneofCase.Suppressed) >= 4, $"{year.Year}: only {year.Cells.Count(c => c.Rate.ValueCase == Rate.ValueOneofCase.Suppressed)} cells suppressed");

            // Every primary and complementary cell looks the same: no reason or explanation tells them apart.
            Assert.Single(year.Cells.Where(c => c.Rate.ValueCase == Rate.ValueOneofCase.Suppressed).Select(c => c.Rate.Suppressed.ToString()).Distinct());
        }

        foreach (var gapId in new[] { "nhpi-girls-vs-all", "nhpi-girls-complement" })
        {
            var gap = indicator.Gaps.Single(g => g.Definition.GapId == gapId);
            Assert.Equal(GapChange.InsufficientData, gap.Change);
            Assert.Equal(SuppressibleValue.ValueOneofCase.Suppressed, gap.BaselineGap.ValueCase);
            Assert.Equal(SuppressibleValue.ValueOneofCase.Suppressed, gap.LatestGap.ValueCase);
            Assert.Equal(SuppressionReason.DependsOnSuppressed, gap.BaselineGap.Suppressed.Reason);
        }

        // The all-students trend uses large cells only, so it is shown.
        Assert.Equal(TrendDirection.Improved, indicator.Trend.Direction);
        Assert.Equal(SuppressibleValue.ValueOneofCase.Shown, indicator.Trend.Difference.ValueCase);
    }

    [Fact]
    public async Task EveryShownRateWithCounts_HasADenominatorOfAtLeastMinimumN_AndMatchesItsCounts()
    {
        await SeededAsync();
        var checkedRates = 0;
        foreach (var (name, response) in await ViewerReadsAsync())
        {
            foreach (var rate in Walk(response).OfType<RateValue>())
            {
                if (rate.Counts is { } counts)
                {
                    Assert.True(counts.Denominator >= MinimumN, $"{name}: a shown rate has denominator {counts.Denominator} < {MinimumN}: {rate}");
                    Assert.Equal(RateCoding.Exact, rate.Coding);
                    Assert.Equal(100.0 * counts.Numerator / counts.Denominator, rate.Value, 6);
                    checkedRates++;
                }
                else
                {
                    Assert.NotEqual(RateCoding.Exact, rate.Coding);
                }
            }
        }

        Assert.True(checkedRates > 100, $"only {checkedRates} shown rates were checked");
    }

    [Fact]
    public async Task NoResponse_CarriesTheCountsOrRateOfAHiddenCell()
    {
        await SeededAsync();
        var reads = await ViewerReadsAsync();
        var json = string.Join("\n", reads.Select(r => r.Name + ": " + JsonFormatter.Default.Format(r.Response)));
        var series = ((GetIndicatorResponse)reads.Single(r => r.Name == "GetIndicator").Response).Series;
        var hidden = 0;
        foreach (var year in series)
        {
            var raw = Raw(year.Year);
            foreach (var cell in year.Cells.Where(c => c.Rate.ValueCase != Rate.ValueOneofCase.Shown))
            {
                var (n, d) = raw[(cell.Group.Gender, cell.Group.Population)];
                Assert.DoesNotMatch(new Regex($"\"numerator\":\\s*{n},\\s*\"denominator\":\\s*{d}\\b"), json);
                hidden++;
            }
        }

        Assert.True(hidden >= 4 * Years.Length);

        // 4 of 6 is 66.67%: that rate appears nowhere, neither as a value nor as display text.
        Assert.DoesNotContain("66.666", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"66.7%\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoHiddenCell_CanBeDerivedByAddingOrSubtracting_EvenAcrossIndicatorAndReportCards()
    {
        await SeededAsync();
        var reads = await ViewerReadsAsync();
        var known = new Dictionary<int, Dictionary<(Gender, Population), (int N, int D)>>();
        void Learn(int year, IEnumerable<DisaggregatedRate> cells)
        {
            var table = known.TryGetValue(year, out var t) ? t : known[year] = [];
            foreach (var cell in cells.Where(c => c.Rate.Shown?.Counts is not null))
            {
                var counts = cell.Rate.Shown.Counts;
                table[(cell.Group.Gender, cell.Group.Population)] = (counts.Numerator, counts.Denominator);
            }
        }

        var series = ((GetIndicatorResponse)reads.Single(r => r.Name == "GetIndicator").Response).Series;
        foreach (var year in series)
        {
            Learn(year.Year, year.Cells);
        }

        foreach (var card in reads.Select(r => r.Response).OfType<GetReportCardResponse>())
        {
            foreach (var entry in card.Outcomes.SelectMany(o => o.Indicators).Where(i => i.IndicatorId == Indicator))
            {
                // The report card shows the same cells as the indicator for that year: no answer adds a cell.
                var sameYear = series.Single(y => y.Year == entry.LatestYear);
                Assert.Equal(sameYear.Cells, entry.Disaggregated);
                Learn(entry.LatestYear, entry.Disaggregated);
            }
        }

        foreach (var (year, table) in known)
        {
            var raw = Raw(year);
            foreach (var (cell, counts) in table)
            {
                Assert.Equal(raw[cell], counts);
            }

            var derivable = Derivable(table);
            Assert.True(derivable.Count == 0, $"{year}: hidden cells derivable from shown totals and parts: {string.Join(", ", derivable)}");
        }
    }

    [Fact]
    public async Task ShownGaps_AndTrend_UseOnlyShownCells()
    {
        await SeededAsync();
        var indicator = await IndicatorAsAsync(fixture.Viewer);
        Rate CellOf(int year, Group group) =>
            indicator.Series.Single(y => y.Year == year).Cells.Single(c => c.Group.Equals(group)).Rate;
        foreach (var gap in indicator.Gaps.Where(g => g.BaselineGap.ValueCase == SuppressibleValue.ValueOneofCase.Shown))
        {
            Assert.False(gap.ReferenceIsComplement, gap.ToString());
            Assert.Equal(Rate.ValueOneofCase.Shown, CellOf(gap.BaselineYear, gap.Definition.Focal).ValueCase);
            Assert.Equal(Rate.ValueOneofCase.Shown, CellOf(gap.BaselineYear, gap.ReferenceUsed).ValueCase);
            Assert.Equal(CellOf(gap.BaselineYear, gap.ReferenceUsed).Shown.Value - CellOf(gap.BaselineYear, gap.Definition.Focal).Shown.Value, gap.BaselineGap.Shown, 6);
        }

        var all = new Group { Gender = Gender.All, Population = Population.AllStudents };
        Assert.Equal(
            CellOf(indicator.Trend.LatestYear, all).Shown.Value - CellOf(indicator.Trend.BaselineYear, all).Shown.Value,
            indicator.Trend.Difference.Shown,
            6);
    }

    [Fact]
    public async Task TheOwningPartnership_SeesExactlyWhatTheViewerSees()
    {
        // common.proto: suppression holds "for every role, including the partnership that submitted the counts".
        await SeededAsync();
        var owner = await fixture.PartnershipTokenAsync(Partnership);
        var asViewer = JsonFormatter.Default.Format(await IndicatorAsAsync(fixture.Viewer));
        Assert.Equal(asViewer, JsonFormatter.Default.Format(await IndicatorAsAsync(owner)));
        Assert.Equal(asViewer, JsonFormatter.Default.Format(await IndicatorAsAsync(fixture.Admin)));
        async Task<string> CardAs(string token)
        {
            var card = await fixture.CallAsync<GetReportCardRequest, GetReportCardResponse>(token, "PartnershipService/GetReportCard", new() { PartnershipId = Partnership });
            card.GenerateTime = null; // when the card was built, not what it shows
            return JsonFormatter.Default.Format(card);
        }

        Assert.Equal(await CardAs(fixture.Viewer), await CardAs(owner));
    }

    [Fact]
    public void DerivationCheck_FindsALoneHiddenCell_ButNotARectangle()
    {
        // The checker itself: a cell hidden alone follows from its row total; a 2x2 rectangle of hidden cells does not.
        var table = Raw(2020);
        table.Remove((Gender.Female, Population.NativeHawaiianPacificIslander));
        Assert.Equal(["Female/NativeHawaiianPacificIslander"], Derivable(table));
        table.Remove((Gender.Male, Population.NativeHawaiianPacificIslander));
        table.Remove((Gender.Female, Population.Asian));
        // Male NHPI follows from the male row, then female NHPI from its column, then female Asian from the female row.
        Assert.Equal(["Female/Asian", "Female/NativeHawaiianPacificIslander", "Male/NativeHawaiianPacificIslander"], Derivable(table));
        table.Remove((Gender.Male, Population.Asian));
        Assert.Empty(Derivable(table));

        // Hiding the column total as well does not protect it: the All row gives it back.
        table.Remove((Gender.All, Population.Asian));
        Assert.Equal(["All/Asian"], Derivable(table));
    }

    /// <summary>
    /// Hidden cells whose counts follow from the shown ones through the additive relations of the table (All = Female +
    /// Male per population; All students = the sum of the nine race groups per gender), jointly: a hidden cell is
    /// derivable when its unit vector lies in the row space of the relations restricted to the hidden cells.
    /// </summary>
    private static List<string> Derivable(Dictionary<(Gender, Population), (int N, int D)> shown)
    {
        var relations = new List<((Gender, Population) Total, (Gender, Population)[] Parts)>();
        foreach (var population in AllPopulations)
        {
            relations.Add(((Gender.All, population), [(Gender.Female, population), (Gender.Male, population)]));
        }

        foreach (var gender in Genders)
        {
            relations.Add(((gender, Population.AllStudents), [.. Races.Select(r => (gender, r))]));
        }

        var unknown = Genders.SelectMany(g => AllPopulations.Select(p => (g, p))).Where(c => !shown.ContainsKey(c)).ToList();
        var column = unknown.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var rows = new List<double[]>();
        foreach (var (total, parts) in relations)
        {
            var row = new double[unknown.Count];
            if (column.TryGetValue(total, out var t))
            {
                row[t] += 1;
            }

            foreach (var part in parts)
            {
                if (column.TryGetValue(part, out var p))
                {
                    row[p] -= 1;
                }
            }

            if (row.Any(v => v != 0))
            {
                rows.Add(row);
            }
        }

        var rank = Rank(rows);
        var derivable = new List<string>();
        for (var i = 0; i < unknown.Count; i++)
        {
            var unit = new double[unknown.Count];
            unit[i] = 1;
            if (Rank([.. rows, unit]) == rank)
            {
                derivable.Add($"{unknown[i].Item1}/{unknown[i].Item2}");
            }
        }

        return derivable;
    }

    private static int Rank(List<double[]> rows)
    {
        var m = rows.Select(r => (double[])r.Clone()).ToList();
        var rank = 0;
        var columns = m.Count == 0 ? 0 : m[0].Length;
        for (var c = 0; c < columns && rank < m.Count; c++)
        {
            var pivot = Enumerable.Range(rank, m.Count - rank).FirstOrDefault(r => Math.Abs(m[r][c]) > 1e-9, -1);
            if (pivot < 0)
            {
                continue;
            }

            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            for (var r = 0; r < m.Count; r++)
            {
                if (r != rank && Math.Abs(m[r][c]) > 1e-9)
                {
                    var factor = m[r][c] / m[rank][c];
                    for (var k = c; k < columns; k++)
                    {
                        m[r][k] -= factor * m[rank][k];
                    }
                }
            }

            rank++;
        }

        return rank;
    }

    /// <summary>Every message inside a response, the response included.</summary>
    private static IEnumerable<IMessage> Walk(IMessage message)
    {
        yield return message;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Message))
        {
            var value = field.Accessor.GetValue(message);
            var children = field.IsMap ? ((IDictionary)value).Values.OfType<IMessage>()
                : field.IsRepeated ? ((IList)value).OfType<IMessage>()
                : value is IMessage single ? [single] : [];
            foreach (var child in children)
            {
                foreach (var inner in Walk(child))
                {
                    yield return inner;
                }
            }
        }
    }
}
