using System.Collections;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Import.Applying;

/// <summary>
/// The cells of one indicator seen so far in a file, one bit per year × gender × population of the taxonomy (under
/// 500 bytes for 1990..2100 × 36 cells), so finding duplicates costs memory bounded by the number of indicators, not
/// by the number of rows.
/// </summary>
internal sealed class CellSet(PopulationTaxonomy taxonomy)
{
    private const int Years = IndicatorDefinition.MaximumYear - IndicatorDefinition.MinimumYear + 1;
    private readonly BitArray _seen = new(Years * taxonomy.Genders.Count * taxonomy.Populations.Count);

    /// <summary>Marks the cell; false when it was marked already (or is not a cell of the taxonomy).</summary>
    public bool Add(int year, string gender, string population)
    {
        var g = IndexOf(taxonomy.Genders.Select(x => x.Code), gender);
        var p = IndexOf(taxonomy.Populations.Select(x => x.Code), population);
        if (g < 0 || p < 0 || year < IndicatorDefinition.MinimumYear || year > IndicatorDefinition.MaximumYear)
        {
            return false;
        }

        var index = ((((year - IndicatorDefinition.MinimumYear) * taxonomy.Genders.Count) + g) * taxonomy.Populations.Count) + p;
        if (_seen[index])
        {
            return false;
        }

        _seen[index] = true;
        return true;
    }

    private static int IndexOf(IEnumerable<string> codes, string code)
    {
        var i = 0;
        foreach (var c in codes)
        {
            if (string.Equals(c, code, StringComparison.Ordinal))
            {
                return i;
            }

            i++;
        }

        return -1;
    }
}
