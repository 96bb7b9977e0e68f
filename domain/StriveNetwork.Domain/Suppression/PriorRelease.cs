using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Suppression;

/// <summary>
/// A table as it was published before (the same year and definition version, before a revision) together with the
/// observations it was computed from. Readers keep old releases, so the audit of a revision treats both releases as
/// one system: a cell whose counts did not change is the same unknown in both.
/// </summary>
public sealed record PriorRelease(SuppressedTable Published, IReadOnlyDictionary<CellKey, Observation> Observations);
