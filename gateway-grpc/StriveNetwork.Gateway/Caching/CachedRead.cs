using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Abstractions.Views;

namespace StriveNetwork.Gateway.Caching;

/// <summary>The reads whose encoded responses the front door caches.</summary>
public enum CachedReadKind
{
    /// <summary>PartnershipService.GetProgress.</summary>
    Progress = 1,

    /// <summary>PartnershipService.GetPartnership.</summary>
    Partnership = 2,

    /// <summary>IndicatorService.GetIndicator (variant: the definition version asked, 0 = current).</summary>
    Indicator = 3,
}

/// <summary>One cacheable read: which call, of which grain, with which parameter.</summary>
/// <param name="Kind">The call.</param>
/// <param name="Source">The grain whose state the response shows (its announced version keys the entry).</param>
/// <param name="Variant">The call's parameter that changes the response (the definition version); 0 when none.</param>
public readonly record struct CachedRead(CachedReadKind Kind, ViewSource Source, int Variant)
{
    /// <summary>GetProgress of <paramref name="partnershipId"/>.</summary>
    public static CachedRead Progress(string partnershipId) => new(CachedReadKind.Progress, new ViewSource(ViewSourceKind.Partnership, partnershipId), 0);

    /// <summary>GetPartnership of <paramref name="partnershipId"/>.</summary>
    public static CachedRead Partnership(string partnershipId) => new(CachedReadKind.Partnership, new ViewSource(ViewSourceKind.Partnership, partnershipId), 0);

    /// <summary>GetIndicator of one indicator at <paramref name="definitionVersion"/> (0 = current).</summary>
    public static CachedRead Indicator(string partnershipId, string indicatorId, int definitionVersion) =>
        new(CachedReadKind.Indicator, new ViewSource(ViewSourceKind.Indicator, GrainKeys.IndicatorKey(partnershipId, indicatorId)), definitionVersion);
}
