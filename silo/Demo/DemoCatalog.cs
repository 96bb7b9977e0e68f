using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Silo.Demo;

/// <summary>
/// Invented names, places and indicator shapes the demo network is drawn from. The names are made up; any likeness
/// to a real partnership's name is accidental.
/// </summary>
internal static class DemoCatalog
{
    /// <summary>Seventy places, one or two in each of the 50 states (nine rural regions); the name is a prefix plus the place.</summary>
    public static IReadOnlyList<(string Place, string State, bool Rural)> Places { get; } =
    [
        ("Toledo", "OH", false), ("Fresno", "CA", false), ("Tulsa", "OK", false), ("Spokane Valley", "WA", false),
        ("Boise", "ID", false), ("Omaha", "NE", false), ("Wichita", "KS", false), ("Des Moines", "IA", false),
        ("Madison", "WI", false), ("Northwoods", "WI", true), ("Duluth", "MN", false), ("Iron Range", "MN", true),
        ("Fargo", "ND", false), ("Sioux Falls", "SD", false), ("Billings", "MT", false), ("Big Horn Basin", "WY", true),
        ("Pueblo", "CO", false), ("Albuquerque", "NM", false), ("Tucson", "AZ", false), ("Reno", "NV", false),
        ("Provo", "UT", false), ("Eugene", "OR", false), ("Yakima Valley", "WA", true), ("Stockton", "CA", false),
        ("Bakersfield", "CA", false), ("El Paso", "TX", false), ("Lubbock", "TX", false), ("Rio Grande Valley", "TX", true),
        ("Shreveport", "LA", false), ("Baton Rouge", "LA", false), ("Jackson", "MS", false), ("Delta Counties", "MS", true),
        ("Mobile", "AL", false), ("Huntsville", "AL", false), ("Chattanooga", "TN", false), ("Knoxville", "TN", false),
        ("Lexington", "KY", false), ("Eastern Kentucky", "KY", true), ("Evansville", "IN", false), ("Fort Wayne", "IN", false),
        ("Peoria", "IL", false), ("Rockford", "IL", false), ("Springfield", "MO", false), ("Little Rock", "AR", false),
        ("Grand Rapids", "MI", false), ("Flint", "MI", false), ("Dearborn", "MI", false), ("Erie", "PA", false),
        ("Allentown", "PA", false), ("Syracuse", "NY", false), ("North Country", "NY", true), ("Hartford", "CT", false),
        ("Worcester", "MA", false), ("Pawtucket", "RI", false), ("Lewiston", "ME", false), ("Manchester", "NH", false),
        ("Burlington", "VT", false), ("Paterson", "NJ", false), ("Wilmington", "DE", false), ("Hagerstown", "MD", false),
        ("Richmond", "VA", false), ("Durham", "NC", false), ("Greenville", "SC", false), ("Macon", "GA", false),
        ("Tallahassee", "FL", false), ("Orlando", "FL", false), ("Anchorage", "AK", false), ("Hilo", "HI", false),
        ("Charleston", "WV", false), ("Black Hills", "SD", true),
    ];

    public static IReadOnlyList<string> NamePrefixes { get; } =
    [
        "Learn Together", "Bright Futures", "Rise Together", "Pathways Forward", "Open Doors",
        "Every Step", "Future Ready", "Cradle Rising", "Hand in Hand", "Rooted in",
    ];

    public static IReadOnlyList<string> AnchorPatterns { get; } =
    [
        "United Way of {0}", "{0} Community Foundation", "{0} Education Partnership Inc.", "University of {0} Center for Community Partnerships",
        "{0} Regional Chamber Foundation", "{0} Public Education Fund",
    ];

    public static IReadOnlyList<string> Assessors { get; } =
        ["Partnership director", "Data manager", "StriveTogether impact coach", "Leadership table co-chair"];

    public static IReadOnlyList<(string Id, string Description)> SystemsChangeExamples { get; } =
    [
        ("fafsa-graduation-planning", "The school district made FAFSA completion support part of every senior's graduation plan."),
        ("county-early-childhood-levy", "The county redirected levy funds to 400 new high-quality pre-K seats."),
        ("k12-college-data-agreement", "A data-sharing agreement now links K-12 records with college enrollment and completion."),
        ("chronic-absence-policy", "The school board adopted family outreach after three absences as district policy."),
        ("skills-based-hiring", "An employer coalition of 22 firms adopted skills-based hiring for entry-level roles."),
        ("guaranteed-admission", "The community college guarantees admission and advising to every district graduate."),
        ("housing-priority", "The housing authority gives priority to families with children under five."),
        ("summer-learning-budget", "Summer learning moved from grant funding into the city's permanent budget."),
        ("dual-enrollment-expansion", "Dual enrollment is now free for low-income students in every high school."),
        ("kindergarten-transition", "Child care centers and schools share a common kindergarten transition plan."),
    ];

    /// <summary>Per-race share bounds and rate offsets (points from the all-student rate, higher-is-better view).</summary>
    public static IReadOnlyList<RaceShape> Races { get; } =
    [
        new("aian", 0.004, 0.03, -14),
        new("asian", 0.01, 0.09, 10),
        new("black", 0.04, 0.40, -14),
        new("hispanic", 0.05, 0.50, -9),
        new("mena", 0.002, 0.012, -3),
        new("nhpi", 0.001, 0.005, -7),
        new("white", 0.10, 0.70, 8),
        new("multiracial", 0.03, 0.07, 0),
        new("other-race", 0.005, 0.02, -4),
    ];

    /// <summary>The core and contributing indicators a partnership may track.</summary>
    public static IReadOnlyList<IndicatorShape> Indicators { get; } =
    [
        new("kindergarten-readiness", "Kindergarten readiness", "Share of entering kindergartners ready on all domains of the state kindergarten entry assessment.", Outcome.KindergartenReadiness, 44, 3, "State kindergarten entry assessment"),
        new("grade3-reading", "Third grade reading proficiency", "Share of third graders meeting or exceeding the state English language arts standard.", Outcome.EarlyGradeReading, 38, 3, "State assessment, grade 3 ELA"),
        new("grade8-math", "Eighth grade math proficiency", "Share of eighth graders meeting or exceeding the state mathematics standard.", Outcome.MiddleGradeMath, 30, 0, "State assessment, grade 8 math"),
        new("hs-graduation", "Four-year high school graduation", "Adjusted cohort graduation rate, four-year.", Outcome.HighSchoolGraduation, 84, 3, "State adjusted cohort graduation rate file"),
        new("postsecondary-enrollment", "Postsecondary enrollment", "Share of high school graduates enrolled in postsecondary education in the fall after graduation.", Outcome.PostsecondaryEnrollment, 57, 5, "National Student Clearinghouse StudentTracker"),
        new("postsecondary-completion", "Postsecondary completion", "Share of graduates who completed a credential within six years of high school graduation.", Outcome.PostsecondaryCompletion, 41, 5, "National Student Clearinghouse StudentTracker"),
        new("young-adult-employment", "Young adult employment", "Share of residents aged 20 to 24 employed or enrolled.", Outcome.Employment, 71, -1, "American Community Survey 5-year estimates (partnership tabulation)"),
    ];

    /// <summary>The adjacent-sector indicator of partnerships working on Systems Transformation.</summary>
    public static IndicatorShape StableHousing { get; } =
        new("stable-housing", "Families with stable housing", "Share of families with school-age children not doubled up, in shelter or evicted during the year.", Outcome.AdjacentSector, 78, 0, "School district McKinney-Vento and housing authority records");
}

/// <summary>A race group's share range and typical rate offset.</summary>
internal sealed record RaceShape(string Code, double MinShare, double MaxShare, double Offset);

/// <summary>An indicator template: base all-student rate and the female minus male difference in points.</summary>
internal sealed record IndicatorShape(string Id, string Name, string Description, Outcome Outcome, double BaseRate, double GenderDifference, string Source);
