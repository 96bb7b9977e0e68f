using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Applying;

/// <summary>
/// A file of observations to import into a partnership's indicator: <paramref name="IndicatorId"/> names the
/// indicator of every row; when null the file names each row's in an <c>Indicator</c> column.
/// </summary>
public sealed record ObservationImportRequest(string Path, TableFormat Format, ObservationLayout Layout, string PartnershipId, string? IndicatorId);
