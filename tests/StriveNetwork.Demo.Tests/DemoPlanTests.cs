using System.Text.RegularExpressions;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Silo.Demo;

namespace StriveNetwork.Demo.Tests;

public sealed partial class DemoPlanTests
{
    private static readonly DateOnly Today = new(2026, 1, 1);
    private static readonly DemoPlan Plan = DemoPlan.Create(new DemoOptions(), Today);

    [Fact]
    public void Create_GivesSeventyPartnershipsAcrossStatesOnBothFrameworks()
    {
        Assert.Equal(70, Plan.Partnerships.Count);
        Assert.Equal(70, Plan.Partnerships.Select(p => p.PartnershipId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Plan.Partnerships, p => Assert.Matches(IdPattern(), p.PartnershipId));
        Assert.True(Plan.Partnerships.Select(p => p.Profile.UsState).Distinct().Count() >= 30);
        Assert.Equal(14, Plan.Partnerships.Count(p => p.Profile.FrameworkId == "toa-5g-2016"));
        Assert.Equal(56, Plan.Partnerships.Count(p => p.Profile.FrameworkId == "toa-6g"));
        Assert.Equal(18, Plan.Partnerships.Count(p => p.Tier == DemoTier.SystemsChange));
        Assert.Equal(6, Plan.Partnerships.Count(p => p.Tier == DemoTier.SystemsTransformation));
    }

    [Fact]
    public void Create_IsDeterministicForASeedAndDiffersForAnother()
    {
        var again = DemoPlan.Create(new DemoOptions(), Today);
        Assert.Equal(Plan.Partnerships.Select(p => p.PartnershipId), again.Partnerships.Select(p => p.PartnershipId));
        Assert.Equal(Plan.Partnerships[5].Indicators[0].Rows, again.Partnerships[5].Indicators[0].Rows);
        Assert.Equal(Plan.ObservationCount, again.ObservationCount);
        var other = DemoPlan.Create(new DemoOptions { Seed = 7 }, Today);
        Assert.NotEqual(Plan.Partnerships.Select(p => p.PartnershipId), other.Partnerships.Select(p => p.PartnershipId));
    }

    [Fact]
    public void Create_EveryIndicatorYearHasThe36CellsAndTheTotalsAddUp()
    {
        var taxonomy = PopulationTaxonomy.Cia2024;
        string[] races = [.. taxonomy.Populations.Where(p => p.Kind == PopulationKind.RaceEthnicity).Select(p => p.Code)];
        foreach (var partnership in Plan.Partnerships)
        {
            foreach (var indicator in partnership.Indicators)
            {
                foreach (var year in indicator.Rows.GroupBy(r => r.Year))
                {
                    var cells = year.ToDictionary(r => (r.Gender, r.Population));
                    Assert.Equal(36, cells.Count);
                    Assert.All(year, r => Assert.True(r.SuppressedAtSource || (r.Denominator >= 1 && r.Numerator >= 0 && r.Numerator <= r.Denominator)));
                    if (year.Any(r => r.SuppressedAtSource))
                    {
                        continue;
                    }

                    foreach (var population in taxonomy.Populations.Select(p => p.Code))
                    {
                        Assert.Equal(cells[("all", population)].Denominator, cells[("female", population)].Denominator + cells[("male", population)].Denominator);
                        Assert.Equal(cells[("all", population)].Numerator, cells[("female", population)].Numerator + cells[("male", population)].Numerator);
                    }

                    foreach (var gender in taxonomy.Genders.Select(g => g.Code))
                    {
                        Assert.Equal(cells[(gender, "all")].Denominator, races.Sum(r => cells[(gender, r)].Denominator));
                        Assert.True(cells[(gender, "low-income")].Denominator < cells[(gender, "all")].Denominator);
                    }
                }
            }
        }
    }

    [Fact]
    public void Create_CoversSevenOutcomesOverSixYearsWithSmallGroupsBelowTheMinimum()
    {
        var indicators = Plan.Partnerships.SelectMany(p => p.Indicators).ToList();
        Assert.Equal(8, indicators.Select(i => i.Spec.Outcome).Distinct().Count());
        Assert.Contains(indicators, i => i.Rows.Min(r => r.Year) == 2019 && i.Rows.Max(r => r.Year) == 2024);
        var rows = indicators.SelectMany(i => i.Rows).ToList();
        var small = rows.Where(r => r.Denominator is < 10).ToList();
        Assert.NotEmpty(small);
        Assert.Contains(small, r => r.Population == "nhpi");
        Assert.Contains(small, r => r.Population == "mena");
        Assert.Contains(rows, r => r.SuppressedAtSource && r.SourceMarker == "*");
        Assert.True(small.Count < rows.Count / 5, "most cells are large enough to publish");
        Assert.All(indicators, i => Assert.Equal(3, i.Spec.Gaps.Count));
        Assert.All(indicators, i =>
        {
            var gapIds = i.Spec.Gaps.Select(g => g.GapId).ToList();
            Assert.Equal(gapIds.Count, gapIds.Distinct(StringComparer.Ordinal).Count());
            Assert.All(gapIds, g => Assert.Matches("^[a-z][a-z0-9-]{1,62}$", g));
        });
    }

    [Fact]
    public void Create_AssessmentsPlaceEachPartnershipInItsTier()
    {
        foreach (var partnership in Plan.Partnerships)
        {
            var framework = FrameworkCatalog.Embedded.Get(partnership.Profile.FrameworkId);
            var history = AssessmentHistory.Empty(framework);
            foreach (var batch in partnership.Assessments)
            {
                Assert.Equal(batch.Assessments.Count, batch.Assessments.Select(a => a.BenchmarkId).Distinct().Count());
                foreach (var a in batch.Assessments)
                {
                    Assert.True(a.AssessmentDate <= Today, $"{partnership.PartnershipId} {a.BenchmarkId} dated {a.AssessmentDate}");
                    history = history.Append(new BenchmarkAssessment(a.BenchmarkId, a.Status, a.AssessmentDate, a.Assessor, a.EvidenceNote), Today);
                }
            }

            var expected = partnership.Tier switch
            {
                DemoTier.Exploring => GatewayStage.Exploring,
                DemoTier.Emerging => GatewayStage.Emerging,
                DemoTier.Sustaining => GatewayStage.Sustaining,
                _ => GatewayStage.SystemsChange,
            };
            Assert.Equal(expected, GatewayRules.Place(history).Current.Stage);
            var hasExamples = partnership.Assessments.Any(b => b.Examples.Count > 0);
            Assert.Equal(partnership.Tier >= DemoTier.ProofPoint, hasExamples);
        }
    }

    [Fact]
    public void Create_ThreeCohortsWithMembersOfThePlan()
    {
        Assert.Equal(["demo-early-literacy", "demo-postsecondary-pathways", "demo-rural-partnerships"], Plan.Cohorts.Select(c => c.CohortId));
        var ids = Plan.Partnerships.Select(p => p.PartnershipId).ToHashSet(StringComparer.Ordinal);
        Assert.All(Plan.Cohorts, c =>
        {
            Assert.InRange(c.MemberIds.Count, 5, 12);
            Assert.All(c.MemberIds, m => Assert.Contains(m, ids));
        });
    }

    [Fact]
    public void Options_OutOfRangeAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DemoPlan.Create(new DemoOptions { PartnershipCount = 71 }, Today));
        Assert.Equal("PartnershipCount", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoPlan.Create(new DemoOptions { FirstYear = 2024, LastYear = 2024 }, Today));
        Assert.Equal(10, DemoPlan.Create(new DemoOptions { PartnershipCount = 10 }, Today).Partnerships.Count);
    }

    [GeneratedRegex("^demo-[a-z0-9-]{1,58}$")]
    private static partial Regex IdPattern();
}
