namespace StriveNetwork.Domain.Indicators;

/// <summary>
/// One reported cell: counts for a year × gender × population under one definition version. Counts are
/// aggregate (never student records). <paramref name="ReportedRate"/> (percent) is for sources that publish only
/// rates; a cell with counts derives its rate from them. A cell suppressed at source carries no counts.
/// </summary>
public sealed record Observation(
    int Year,
    string Gender,
    string Population,
    long? Numerator,
    long? Denominator,
    bool SuppressedAtSource,
    int DefinitionVersion,
    double? ReportedRate = null)
{
    public CellKey Cell => new(Gender, Population);

    /// <summary>True when both counts are present.</summary>
    public bool HasCounts => Numerator is not null && Denominator is not null;

    /// <summary>The rate in percent: from counts when present, else the reported rate; null when suppressed.</summary>
    public double? Rate => SuppressedAtSource
        ? null
        : HasCounts && Denominator > 0 ? 100.0 * Numerator!.Value / Denominator!.Value : ReportedRate;

    /// <summary>Convenience for the common case: a counted, unsuppressed cell.</summary>
    public static Observation Counted(int year, string gender, string population, long numerator, long denominator, int definitionVersion = 1) =>
        new(year, gender, population, numerator, denominator, SuppressedAtSource: false, definitionVersion);
}
