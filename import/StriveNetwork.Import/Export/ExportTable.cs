namespace StriveNetwork.Import.Export;

/// <summary>
/// What an export writes, whatever the format: a kind (<c>report-card</c>, <c>network-rollup</c>), facts about the
/// whole export (<see cref="About"/>: the partnership, the report year, the rollup's version...), named columns and
/// rows. Rows are enumerated once, while the file is written, so a caller may produce them lazily.
/// </summary>
/// <param name="Kind">The export's kind, as JSON's <c>export</c> field and the .xlsx sheet's name carry it.</param>
/// <param name="About">Facts about the whole export, in order (JSON <c>about</c>, the .xlsx <c>About</c> sheet).</param>
/// <param name="Columns">Column names, left to right.</param>
/// <param name="Rows">Rows of exactly <see cref="Columns"/>.Count cells.</param>
public sealed record ExportTable(
    string Kind,
    IReadOnlyList<KeyValuePair<string, ExportCell>> About,
    IReadOnlyList<string> Columns,
    IEnumerable<IReadOnlyList<ExportCell>> Rows);
