namespace StriveNetwork.Import.Observations;

/// <summary>How a file lays out observations.</summary>
public enum ObservationLayout
{
    /// <summary>
    /// One row per year × gender × population: columns <c>Year</c>, <c>Gender</c>, <c>Population</c>, <c>N</c>,
    /// <c>D</c>, optionally <c>Suppressed</c> (the source's marker) and <c>Indicator</c>.
    /// </summary>
    Long = 1,

    /// <summary>
    /// StriveTogether's Civic Infrastructure Assessment layout: one row per gender × population, columns
    /// <c>Gender</c>, <c>Population</c> and a <c>N &lt;year&gt;</c> / <c>D &lt;year&gt;</c> pair per year.
    /// </summary>
    Wide = 2,
}
