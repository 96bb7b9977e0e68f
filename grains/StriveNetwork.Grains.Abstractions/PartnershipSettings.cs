using StriveNetwork.Domain.Settings;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>
/// A partnership's rule settings as stored and sent (the grain's copy of the domain's
/// <see cref="PartnershipRuleSettings"/>; the domain validates them).
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipSettings")]
public sealed record PartnershipSettings(
    int MinimumN,
    int MinimumOutcomeCount,
    double? TopCodeAbove,
    double? BottomCodeBelow,
    double ProtectionIntervalPercentagePoints,
    double TrendAlpha,
    bool RequireSustainedImprovement,
    int ReevaluationPeriodMonths)
{
    /// <summary>The network defaults with a network-wide minimum n.</summary>
    public static PartnershipSettings FromDomain(PartnershipRuleSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.MinimumN, s.MinimumOutcomeCount, s.TopCodeAbove, s.BottomCodeBelow, s.Protection.MinimumRangePercentagePoints,
            s.TrendAlpha, s.RequireSustainedImprovement, s.ReevaluationPeriodMonths);
    }

    /// <summary>The domain settings (not yet validated: call <see cref="PartnershipRuleSettings.Validate"/>).</summary>
    public PartnershipRuleSettings ToDomain() => PartnershipRuleSettings.Default with
    {
        MinimumN = MinimumN,
        MinimumOutcomeCount = MinimumOutcomeCount,
        TopCodeAbove = TopCodeAbove,
        BottomCodeBelow = BottomCodeBelow,
        Protection = PartnershipRuleSettings.Default.Protection with { MinimumRangePercentagePoints = ProtectionIntervalPercentagePoints },
        TrendAlpha = TrendAlpha,
        RequireSustainedImprovement = RequireSustainedImprovement,
        ReevaluationPeriodMonths = ReevaluationPeriodMonths,
    };
}

/// <summary>One recorded change of a partnership's settings.</summary>
[GenerateSerializer, Immutable, Alias("strive.SettingsChange")]
public sealed record SettingsChange(DateTimeOffset Time, string ChangedBy, PartnershipSettings Before, PartnershipSettings After);

/// <summary>A partnership's settings with their etag and change history (newest last).</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipSettingsView")]
public sealed record PartnershipSettingsView(string PartnershipId, PartnershipSettings Settings, string Etag, IReadOnlyList<SettingsChange> Changes);
