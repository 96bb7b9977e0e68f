using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Progress;

/// <summary>The trend of one partnership indicator, as the designation rules see it.</summary>
public sealed record IndicatorEvidence(string IndicatorId, Outcome Outcome, bool IsCore, TrendDirection Trend);

/// <summary>How one disparity gap definition (outcome, focal group, reference group) of an indicator moved.</summary>
/// <param name="FocalGroup">The focal gender × population (e.g. <c>all/black</c>). Gap definitions of the same
/// indicator and focal group are one disparity however many reference groups they use, and count once; null
/// means the definition is its own focal group (identified by <paramref name="GapId"/>).</param>
public sealed record GapEvidence(string GapId, string IndicatorId, Outcome Outcome, GapChange Change, string? FocalGroup = null)
{
    /// <summary>What identifies the disparity within its indicator: the focal group, else the gap id.</summary>
    public string DisparityKey => FocalGroup ?? GapId;
}

/// <summary>A recorded, qualitative example of systems change (policy, practice, funding shift…).</summary>
public sealed record SystemsChangeExample(string Id, string Description, DateOnly Date);
