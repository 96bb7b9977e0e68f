using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// One core indicator of one seeded partnership: the unit a write flips. Each partnership has two core indicators
/// per outcome, each with one cell (all students) in the baseline year 2020 (500 of 1,000) and the latest year 2024
/// (700 of 1,000 = improved, or 300 of 1,000 = worsened: both far outside the two-proportion test's band, and
/// 1,000-student cells are never suppressed). By the rollup's rule (common.proto, OutcomeTrendCounts) a partnership
/// counts for an outcome as IMPROVED when both its indicators improved, WORSENED when both worsened and MAINTAINED
/// when they differ, so within a round that flips every slot once in one direction, the outcome's
/// <c>maintained + 2 × (count of the target direction)</c> is exactly the number of that outcome's flips the rollup
/// reflects: a counter that only rises, one per write.
/// </summary>
public readonly record struct Slot(int Partnership, int OutcomeIndex, int Indicator)
{
    /// <summary>The eight outcomes of the rollup (the seven plus ADJACENT_SECTOR); a slot's channel is its index here.</summary>
    public static readonly Outcome[] Outcomes =
    [
        Outcome.KindergartenReadiness, Outcome.EarlyGradeReading, Outcome.MiddleGradeMath, Outcome.HighSchoolGraduation,
        Outcome.PostsecondaryEnrollment, Outcome.PostsecondaryCompletion, Outcome.Employment, Outcome.AdjacentSector,
    ];

    public const int BaselineYear = 2020;
    public const int LatestYear = 2024;
    public const int Students = 1000;
    public const int BaselineMet = 500;
    public const int ImprovedMet = 700;
    public const int WorsenedMet = 300;

    public string PartnershipId => PartnershipIdOf(Partnership);

    public string IndicatorId => $"fresh-o{OutcomeIndex}-{(char)('a' + Indicator)}";

    public static string PartnershipIdOf(int index) => $"fresh-p{index:D5}";

    /// <summary>All slots of <paramref name="partnerships"/> partnerships.</summary>
    public static Slot[] All(int partnerships)
    {
        var slots = new List<Slot>(partnerships * Outcomes.Length * FreshnessOptions.IndicatorsPerOutcome);
        for (var p = 0; p < partnerships; p++)
        {
            for (var o = 0; o < Outcomes.Length; o++)
            {
                for (var i = 0; i < FreshnessOptions.IndicatorsPerOutcome; i++)
                {
                    slots.Add(new Slot(p, o, i));
                }
            }
        }

        return [.. slots];
    }

    /// <summary>The all-students observation of <paramref name="year"/> with <paramref name="met"/> of 1,000.</summary>
    public static Observation Cell(int year, int met) => new()
    {
        Year = year,
        Gender = Gender.All,
        Population = Population.AllStudents,
        Counts = new CellCounts { Numerator = met, Denominator = Students },
    };
}
