using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Progress;

/// <summary>The trend of one partnership indicator, as the designation rules see it.</summary>
public sealed record IndicatorEvidence(string IndicatorId, Outcome Outcome, bool IsCore, TrendDirection Trend);

/// <summary>How one disparity gap (outcome, focal group, reference group) of an indicator moved.</summary>
public sealed record GapEvidence(string GapId, string IndicatorId, Outcome Outcome, GapChange Change);

/// <summary>A recorded, qualitative example of systems change (policy, practice, funding shift…).</summary>
public sealed record SystemsChangeExample(string Id, string Description, DateOnly Date);
