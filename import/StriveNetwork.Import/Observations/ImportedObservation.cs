using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Import.Observations;

/// <summary>
/// One observation read from a file, with where it came from: its row, the indicator it belongs to, and the headers
/// of the columns holding its counts (so a problem found later, here or by the service, names the right cell).
/// <paramref name="SourceMarker"/> is the marker of a cell suppressed at source (at most 20 characters).
/// </summary>
public sealed record ImportedObservation(
    int Row,
    string IndicatorId,
    Observation Observation,
    string? SourceMarker,
    string NumeratorColumn,
    string DenominatorColumn);
