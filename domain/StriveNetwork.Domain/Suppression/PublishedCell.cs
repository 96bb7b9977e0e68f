using System.Globalization;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Suppression;

/// <summary>What a published cell shows.</summary>
public enum CellStatus
{
    /// <summary>Exact values are shown (counts when known, and the rate).</summary>
    Shown = 1,

    /// <summary>The rate is shown only as a range ("&gt;95%", "&lt;5%"); the denominator is shown, the numerator is not.</summary>
    Coded = 2,

    /// <summary>Nothing but the suppression symbol is shown.</summary>
    Suppressed = 3,

    /// <summary>No observation was reported for the cell.</summary>
    Missing = 4,
}

/// <summary>Why a cell is suppressed. Internal: public outputs show one symbol for every reason.</summary>
public enum SuppressionReason
{
    None = 0,

    /// <summary>The cell itself is too small (or its coded range would pin the exact count).</summary>
    Primary = 1,

    /// <summary>The cell is hidden so that another hidden cell cannot be recovered by subtraction.</summary>
    Complementary = 2,

    /// <summary>The data source already suppressed it.</summary>
    SuppressedAtSource = 3,
}

/// <summary>
/// One cell after suppression. For anything but <see cref="CellStatus.Shown"/> the exact numerator and rate are
/// null, so code working from published cells cannot leak them.
/// </summary>
public sealed record PublishedCell(
    CellKey Cell,
    int Year,
    int DefinitionVersion,
    CellStatus Status,
    long? Numerator,
    long? Denominator,
    double? Rate,
    string Display,
    SuppressionReason Reason,
    string Explanation)
{
    /// <summary>Symbol shown for every suppressed cell, whatever the reason (the reason itself would leak size).</summary>
    public const string SuppressedSymbol = "*";

    /// <summary>Symbol shown for a cell with no data.</summary>
    public const string MissingSymbol = "n/a";

    /// <summary>True when the exact rate is published (counts or a reported rate).</summary>
    public bool HasExactRate => Status == CellStatus.Shown && Rate is not null;

    /// <summary>True when exact counts are published.</summary>
    public bool HasExactCounts => Status == CellStatus.Shown && Numerator is not null && Denominator is not null;

    /// <summary>
    /// The cell as anyone outside the data owner may see it: a suppressed cell loses its reason and explanation
    /// ("Primary" would reveal that the group is smaller than the minimum n).
    /// </summary>
    public PublishedCell ForPublication() =>
        Status == CellStatus.Suppressed ? this with { Reason = SuppressionReason.None, Explanation = "Suppressed." } : this;

    internal static string FormatRate(double rate) => rate.ToString("0.0", CultureInfo.InvariantCulture) + "%";
}

/// <summary>One year of one definition version after suppression, keyed by cell.</summary>
public sealed record SuppressedTable(int Year, int DefinitionVersion, PopulationTaxonomy Taxonomy, IReadOnlyDictionary<CellKey, PublishedCell> Cells)
{
    /// <summary>
    /// The disclosure audit the table passed: the feasible numerator range of every hidden value. For the data owner
    /// only (a range reveals a hidden cell's size); <see cref="ForPublication"/> removes it.
    /// </summary>
    public DisclosureAuditResult? Audit { get; init; }

    public PublishedCell this[CellKey cell] => Cells[cell];

    public PublishedCell Get(string gender, string population) => Cells[new CellKey(gender, population)];

    /// <summary>Cells in taxonomy order.</summary>
    public IEnumerable<PublishedCell> InOrder() => Taxonomy.Cells.Select(c => Cells[c]);

    /// <summary>The table with every suppression reason removed; use it for anything that leaves the data owner.</summary>
    public SuppressedTable ForPublication() =>
        this with { Cells = Cells.ToDictionary(kv => kv.Key, kv => kv.Value.ForPublication()), Audit = null };
}

/// <summary>
/// An indicator series after suppression: every (definition version, year) table. Trend, gap and report-card
/// rules read only this, so suppressed values cannot reach them.
/// </summary>
public sealed class PublishedSeries(IndicatorDefinition definition, PopulationTaxonomy taxonomy, IReadOnlyList<SuppressedTable> tables)
{
    private readonly Dictionary<(int, int), SuppressedTable> _tables = tables.ToDictionary(t => (t.DefinitionVersion, t.Year));

    public IndicatorDefinition Definition { get; } = definition;

    public PopulationTaxonomy Taxonomy { get; } = taxonomy;

    public IReadOnlyList<SuppressedTable> Tables { get; } = tables;

    /// <summary>The table for a version and year, or null.</summary>
    public SuppressedTable? Table(int definitionVersion, int year) => _tables.GetValueOrDefault((definitionVersion, year));

    /// <summary>The published cell, or null when that version has no table for the year.</summary>
    public PublishedCell? Cell(int definitionVersion, int year, CellKey cell) => Table(definitionVersion, year)?.Cells.GetValueOrDefault(cell);

    /// <summary>Years with a table under a version, ascending.</summary>
    public IReadOnlyList<int> Years(int definitionVersion) =>
        [.. _tables.Keys.Where(k => k.Item1 == definitionVersion).Select(k => k.Item2).Order()];

    /// <summary>Versions that have a table for the year, ascending.</summary>
    public IReadOnlyList<int> VersionsIn(int year) =>
        [.. _tables.Keys.Where(k => k.Item2 == year).Select(k => k.Item1).Order()];
}
