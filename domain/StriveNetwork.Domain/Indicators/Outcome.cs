namespace StriveNetwork.Domain.Indicators;

/// <summary>
/// The seven cradle-to-career outcomes StriveTogether tracks, plus adjacent-sector outcomes (housing, health,
/// income…) that the Systems Transformation designation asks for.
/// </summary>
public enum Outcome
{
    KindergartenReadiness = 1,
    EarlyGradeReading = 2,
    MiddleGradeMath = 3,
    HighSchoolGraduation = 4,
    PostsecondaryEnrollment = 5,
    PostsecondaryCompletion = 6,
    Employment = 7,

    /// <summary>An outcome for families, youth or residents outside education (seed 002 "adjacent sector").</summary>
    AdjacentSector = 100,
}

/// <summary>Direction of an indicator between its baseline and latest comparable year, after polarity.</summary>
public enum TrendDirection
{
    /// <summary>Not enough unsuppressed data to judge; never counts as met in any rule.</summary>
    InsufficientData = 0,
    Improved = 1,
    Maintained = 2,
    Worsened = 3,
}

/// <summary>How a disparity gap moved between baseline and latest year.</summary>
public enum GapChange
{
    /// <summary>Not enough unsuppressed data to judge; never counts as met in any rule.</summary>
    InsufficientData = 0,
    Reduced = 1,
    Eliminated = 2,
    Unchanged = 3,
    Widened = 4,
}
