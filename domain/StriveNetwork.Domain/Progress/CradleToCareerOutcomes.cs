using System.Collections.Frozen;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Progress;

/// <summary>The seven cradle-to-career outcomes the designation rules count ("… of the seven outcomes").</summary>
public static class CradleToCareerOutcomes
{
    /// <summary>Every <see cref="Outcome"/> except <see cref="Outcome.AdjacentSector"/>.</summary>
    public static FrozenSet<Outcome> Seven { get; } =
        Enum.GetValues<Outcome>().Where(o => o != Outcome.AdjacentSector).ToFrozenSet();

    /// <summary>True for the seven outcomes, false for adjacent-sector ones.</summary>
    public static bool IsOneOfTheSeven(Outcome outcome) => Seven.Contains(outcome);
}
