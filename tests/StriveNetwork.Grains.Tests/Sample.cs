using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Builders of realistic requests.</summary>
public static class Sample
{
    public static readonly DateOnly Today = new(2025, 12, 1);

    public static PartnershipProfile Profile(string name = "Racine County Partnership", string state = "WI", string framework = "toa-6g") => new(
        name, state, GeographicScopeLevel.County, "Racine County", new AnchorEntity("United Way of Racine County", true),
        [Sector.K12Education, Sector.HigherEducation, Sector.Philanthropy, Sector.Business], [StaffRole.PartnershipDirector, StaffRole.DataManager], framework);

    /// <summary>Every Exploring, Emerging and Sustaining benchmark of the six-gateway framework, plus the Systems Change ones given.</summary>
    public static AssessmentBatch ThroughSustaining(params string[] systemsChange)
    {
        var framework = FrameworkCatalog.Embedded.Get("toa-6g");
        var ids = framework.Benchmarks.Where(b => b.GatewayId is "exploring" or "emerging" or "sustaining").Select(b => b.Id).Concat(systemsChange);
        return new AssessmentBatch([.. ids.Select(id => new AssessmentEntry(id, BenchmarkStatus.Met, "minutes of the leadership table", Today, "StriveTogether review"))], [], null);
    }

    public static IndicatorSpec Indicator(Outcome outcome, string name = "3rd grade reading proficiency", IReadOnlyList<GapSpec>? gaps = null) => new(
        name, "proficient / tested", outcome, string.Empty, IndicatorRole.Core, Polarity.HigherIsBetter, "percent", 2019,
        [new TargetSpec(2030, 70)], 1, "CIA-2024", "state data", gaps ?? []);

    public static ObservationRow Cell(int year, string gender, string population, long numerator, long denominator) =>
        new(year, gender, population, numerator, denominator, false, string.Empty);

    /// <summary>All students improving clearly from 40% (2019) to 50% (2024) on 1,000 students.</summary>
    public static IReadOnlyList<ObservationRow> Improving() =>
        [Cell(2019, "all", "all", 400, 1000), Cell(2024, "all", "all", 500, 1000)];

    /// <summary>A partnership id unique to this call (clusters shared by several tests need distinct grains).</summary>
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
}
