namespace StriveNetwork.Grains.Abstractions.Telemetry;

/// <summary>
/// The project's own meter. The grains and the gateway create their instruments on it through
/// <c>IMeterFactory</c> (System.Diagnostics.Metrics, no OpenTelemetry dependency); the silo exports it with the
/// Orleans and ASP.NET Core meters (docs/service.md, "Observability").
/// </summary>
public static class StriveMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "StriveNetwork";
}
