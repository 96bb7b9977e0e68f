using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StriveNetwork.Bench;

/// <summary>
/// A summary column: a case's median divided by the median of the same method at the smallest
/// <c>Partnerships</c> of the run (issue 13: an update at 10,000 partnerships within 1.5× of one at 100, measured in
/// one run). BenchmarkDotNet's own ratio compares methods, not parameter values.
/// </summary>
public sealed class RatioToSmallestNetworkColumn : IColumn
{
    private const string Parameter = "Partnerships";

    public string Id => nameof(RatioToSmallestNetworkColumn);

    public string ColumnName => "Median / smallest N";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Median over the same method's median at the smallest {Parameter} of the run";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var smallest = summary.BenchmarksCases
            .Where(c => c.Descriptor.Equals(benchmarkCase.Descriptor))
            .MinBy(c => Convert.ToInt32(c.Parameters[Parameter], CultureInfo.InvariantCulture));
        var median = summary[benchmarkCase]?.ResultStatistics?.Median;
        var baseline = smallest is null ? null : summary[smallest]?.ResultStatistics?.Median;
        return median is { } m && baseline is > 0 ? (m / baseline.Value).ToString("0.00", CultureInfo.InvariantCulture) : "?";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Adds <see cref="RatioToSmallestNetworkColumn"/> to a benchmark class (<c>[Config(typeof(NetworkScalingConfig))]</c>).</summary>
public sealed class NetworkScalingConfig : ManualConfig
{
    public NetworkScalingConfig() => AddColumn(new RatioToSmallestNetworkColumn());
}
