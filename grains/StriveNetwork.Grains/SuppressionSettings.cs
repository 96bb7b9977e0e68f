using System.ComponentModel.DataAnnotations;
using StriveNetwork.Domain.Settings;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Grains;

/// <summary>Network-wide small-cell suppression settings used by every indicator computation.</summary>
public sealed class SuppressionSettings
{
    /// <summary>Minimum denominator (and count meeting / not meeting) of a shown cell. Default 10.</summary>
    [Range(1, 1000)]
    public int MinimumN { get; set; } = 10;

    /// <summary>The domain options these settings stand for.</summary>
    public SuppressionOptions ToOptions() => new() { MinimumN = MinimumN };

    /// <summary>The network's rule settings: the domain defaults with this minimum n.</summary>
    public PartnershipRuleSettings ToRuleSettings() => PartnershipRuleSettings.Default with { MinimumN = MinimumN };
}
