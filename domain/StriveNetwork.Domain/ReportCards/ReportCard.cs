using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.ReportCards;

/// <summary>A public report card: per outcome, its core indicators, built only from post-suppression values.</summary>
public sealed record ReportCard(string Title, IReadOnlyList<OutcomeSection> Outcomes);

/// <summary>One outcome and its core indicators.</summary>
public sealed record OutcomeSection(Outcome Outcome, IReadOnlyList<IndicatorCard> Indicators);

/// <summary>
/// One core indicator on a report card. Headline values are the All/All Students cell. <see cref="Progress"/> is the
/// percent of the targeted change achieved, 100·(latest − baseline)/(target − baseline), null when any input is not
/// published exactly.
/// </summary>
public sealed record IndicatorCard(
    string IndicatorId,
    string Name,
    Polarity Polarity,
    string Unit,
    int DefinitionVersion,
    ReportedValue? Baseline,
    ReportedValue? Latest,
    TargetValue? Target,
    double? Progress,
    string ProgressExplanation,
    TrendResult Trend,
    IReadOnlyList<DisaggregatedValue> Disaggregated,
    IReadOnlyList<GapResult> Gaps);

/// <summary>A headline value: <see cref="Rate"/> is set only when the exact rate is published.</summary>
public sealed record ReportedValue(int Year, string Display, double? Rate);

/// <summary>The time-bound target that applies to the latest year.</summary>
public sealed record TargetValue(int Year, double Rate);

/// <summary>
/// One disaggregated cell of the latest year as published: the display text ("62.5%", "&gt;95%", "*", "n/a") and
/// the exact numbers only where they are shown. Suppressed cells carry no reason: the reason would reveal size.
/// </summary>
public sealed record DisaggregatedValue(
    string Gender,
    string GenderName,
    string Population,
    string PopulationName,
    string Display,
    long? Numerator,
    long? Denominator,
    double? Rate);
