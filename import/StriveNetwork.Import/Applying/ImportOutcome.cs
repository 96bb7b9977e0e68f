using StriveNetwork.Import.Problems;

namespace StriveNetwork.Import.Applying;

/// <summary>
/// What an import did. <see cref="Applied"/> is false whenever the file had a problem (nothing was written).
/// <see cref="Unchanged"/> is true when it was applied and the service's data did not change: the same file was
/// imported before and the service answered it as a replay.
/// </summary>
public sealed record ImportOutcome(
    long Rows,
    long Items,
    long Problems,
    bool Applied,
    bool Unchanged,
    int Accepted,
    int Replaced,
    IReadOnlyList<ImportProblem> FirstProblems);
