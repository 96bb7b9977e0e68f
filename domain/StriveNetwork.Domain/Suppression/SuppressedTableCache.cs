using System.Globalization;
using System.Text;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Suppression;

/// <summary>
/// The suppressions of recently seen table contents, bounded and least recently used first. Suppressing a table
/// without a prior release is a pure function of the taxonomy, the options and each cell's counts (or reported rate,
/// or suppression at source): the year and the definition version only label the published cells. So a table whose
/// content was suppressed before gets that result, relabelled, without running the subtraction rules and the
/// disclosure audit again. Networks report many tables of the same shape and size (a headline cell only, the same
/// cohort sizes), and a revision that flips a value back finds its earlier table.
/// </summary>
/// <remarks>Thread-safe: one instance serves every indicator activation of the process.</remarks>
internal sealed class SuppressedTableCache(int capacity)
{
    /// <summary>The process's cache. 512 tables of the CIA-2024 taxonomy (36 cells) hold a few MiB at most.</summary>
    public static SuppressedTableCache Shared { get; } = new(512);

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, LinkedListNode<(Key Key, SuppressedTable Table)>> _entries = [];
    private readonly LinkedList<(Key Key, SuppressedTable Table)> _recency = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cached suppression of the same content, labelled with <paramref name="year"/> and <paramref name="definitionVersion"/>; null on a miss.</summary>
    public SuppressedTable? Find(Key key, PopulationTaxonomy taxonomy, int year, int definitionVersion)
    {
        SuppressedTable table;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            table = node.Value.Table;
        }

        return table.Year == year && table.DefinitionVersion == definitionVersion && ReferenceEquals(table.Taxonomy, taxonomy)
            ? table
            : table with
            {
                Year = year,
                DefinitionVersion = definitionVersion,
                Taxonomy = taxonomy,
                Cells = table.Cells.ToDictionary(kv => kv.Key, kv => kv.Value with { Year = year, DefinitionVersion = definitionVersion }),
            };
    }

    public void Add(Key key, SuppressedTable table)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _recency.Remove(existing);
                _entries.Remove(key);
            }

            while (_entries.Count >= capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }

            _entries[key] = _recency.AddFirst((key, table));
        }
    }

    /// <summary>
    /// What a table's suppression depends on: the taxonomy (by reference: a taxonomy object fixes the cells and
    /// relations), the options (a record: by value) and, per cell in key order, exactly the fields the suppressor
    /// reads (counts, reported rate to the last bit, suppression at source). The observation's year and definition
    /// version are left out: they only label the output.
    /// </summary>
    public static Key KeyOf(PopulationTaxonomy taxonomy, SuppressionOptions options, IReadOnlyDictionary<CellKey, Observation> observations)
    {
        var content = new StringBuilder(observations.Count * 24);
        foreach (var (cell, o) in observations.OrderBy(kv => kv.Key.Gender, StringComparer.Ordinal).ThenBy(kv => kv.Key.Population, StringComparer.Ordinal))
        {
            content.Append(cell.Gender).Append('/').Append(cell.Population).Append('=');
            if (o.SuppressedAtSource)
            {
                content.Append('S');
            }
            else
            {
                content.Append(o.Numerator?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(':')
                    .Append(o.Denominator?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(':')
                    .Append(o.ReportedRate is { } rate ? BitConverter.DoubleToInt64Bits(rate).ToString(CultureInfo.InvariantCulture) : "-");
            }

            content.Append(';');
        }

        return new Key(taxonomy, options, content.ToString());
    }

    /// <summary>A table content under a taxonomy and options.</summary>
    internal readonly record struct Key(PopulationTaxonomy Taxonomy, SuppressionOptions Options, string Content)
    {
        public bool Equals(Key other) =>
            ReferenceEquals(Taxonomy, other.Taxonomy) && Options.Equals(other.Options) && string.Equals(Content, other.Content, StringComparison.Ordinal);

        public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Taxonomy), Options, Content);
    }
}
