namespace StriveNetwork.Grains.Abstractions.Views;

/// <summary>The kinds of grain whose state versions a silo's front door follows.</summary>
[GenerateSerializer, Alias("strive.ViewSourceKind")]
public enum ViewSourceKind
{
    /// <summary>A partnership grain (key: the partnership id).</summary>
    Partnership = 1,

    /// <summary>An indicator grain (key: <c>{partnershipId}/{indicatorId}</c>).</summary>
    Indicator = 2,
}

/// <summary>One grain whose views the front door may cache: its kind and its key.</summary>
/// <param name="Kind">The grain kind.</param>
/// <param name="Key">The grain key (<see cref="GrainKeys.IndicatorKey"/> for an indicator).</param>
public readonly record struct ViewSource(ViewSourceKind Kind, string Key);
