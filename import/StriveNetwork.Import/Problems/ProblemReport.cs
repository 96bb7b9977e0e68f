using System.Text;
using StriveNetwork.Import.Export;

namespace StriveNetwork.Import.Problems;

/// <summary>
/// The per-row problem report as CSV (<c>row,column,value,reason</c>), written as problems are found so that a file
/// with a million bad rows needs no memory for them. At most <see cref="MaxListed"/> problems are listed; the rest are
/// counted, and a last line says how many were left out. Values are capped by <see cref="ImportProblem"/>; a value
/// that a spreadsheet would run as a formula (starting with <c>= + - @</c>) is prefixed with an apostrophe.
/// </summary>
public sealed class ProblemReport : IDisposable
{
    /// <summary>Most problems listed in the report.</summary>
    public const int MaxListed = 100_000;

    /// <summary>The report's header line.</summary>
    public const string Header = "row,column,value,reason";

    private readonly TextWriter? _writer;
    private readonly List<ImportProblem> _first = [];
    private readonly int _keep;

    /// <param name="writer">Where the CSV goes (null: only counted, and the first <paramref name="keep"/> kept).</param>
    /// <param name="keep">How many problems to keep in memory for a summary (<see cref="First"/>).</param>
    public ProblemReport(TextWriter? writer, int keep = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        _writer = writer;
        _keep = keep;
        _writer?.WriteLine(Header);
    }

    /// <summary>Problems found so far.</summary>
    public long Count { get; private set; }

    /// <summary>The first problems found (up to the number kept), for a summary on screen.</summary>
    public IReadOnlyList<ImportProblem> First => _first;

    /// <summary>Adds a problem: written to the report (up to <see cref="MaxListed"/>) and counted.</summary>
    public void Add(ImportProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        Count++;
        if (_first.Count < _keep)
        {
            _first.Add(problem);
        }

        if (_writer is not null && Count <= MaxListed)
        {
            _writer.Write(problem.Row);
            _writer.Write(',');
            _writer.Write(Field(problem.Column));
            _writer.Write(',');
            _writer.Write(Field(problem.Value));
            _writer.Write(',');
            _writer.WriteLine(Field(problem.Reason));
        }
    }

    /// <summary>Writes the closing line when problems were left out, and flushes.</summary>
    public void Complete()
    {
        if (_writer is null)
        {
            return;
        }

        if (Count > MaxListed)
        {
            _writer.WriteLine($",,,{Count - MaxListed} more problems not listed (the report lists the first {MaxListed})");
        }

        _writer.Flush();
    }

    public void Dispose() => _writer?.Dispose();

    /// <summary>One CSV field: quoted when needed (RFC 4180), defused when a spreadsheet would take it for a formula.</summary>
    internal static string Field(string value)
    {
        value = FormulaText.Defuse(value);

        if (value.IndexOfAny([',', '"', '\n', '\r']) < 0)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            quoted.Append(c == '"' ? "\"\"" : c.ToString());
        }

        return quoted.Append('"').ToString();
    }
}
