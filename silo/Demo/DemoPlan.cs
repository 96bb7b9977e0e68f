using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Silo.Demo;

/// <summary>Where a demo partnership is meant to end up; the grains compute the actual gateway from the writes.</summary>
public enum DemoTier
{
    Exploring = 1,
    Emerging = 2,
    Sustaining = 3,
    SystemsChange = 4,
    ProofPoint = 5,
    SystemsTransformation = 6,
}

/// <summary>What the demo wants an indicator's all-student trend to look like.</summary>
public enum DemoTrend
{
    Improving = 1,
    Flat = 2,
    Declining = 3,
}

/// <summary>One indicator of a demo partnership with every observation row to submit.</summary>
public sealed record DemoIndicator(string IndicatorId, IndicatorSpec Spec, DemoTrend Trend, IReadOnlyList<ObservationRow> Rows);

/// <summary>One demo partnership: profile, intended tier, assessment batches (oldest first) and indicators.</summary>
public sealed record DemoPartnership(
    string PartnershipId,
    PartnershipProfile Profile,
    DemoTier Tier,
    bool Rural,
    int Students,
    IReadOnlyList<AssessmentBatch> Assessments,
    IReadOnlyList<DemoIndicator> Indicators);

/// <summary>One demo cohort.</summary>
public sealed record DemoCohort(string CohortId, string DisplayName, string Description, IReadOnlyList<string> MemberIds);

/// <summary>
/// The demo network as data, computed deterministically from <see cref="DemoOptions.Seed"/>: nothing here touches
/// a grain, so the plan can be inspected and tested on its own.
/// </summary>
public sealed class DemoPlan
{
    /// <summary>Partnerships per tier on the six-gateway framework (56) and on the five-gateway one (14).</summary>
    private static readonly (DemoTier Tier, int SixGateway, int FiveGateway)[] TierCounts =
    [
        (DemoTier.Exploring, 7, 2),
        (DemoTier.Emerging, 10, 3),
        (DemoTier.Sustaining, 13, 3),
        (DemoTier.SystemsChange, 14, 4),
        (DemoTier.ProofPoint, 6, 2),
        (DemoTier.SystemsTransformation, 6, 0),
    ];

    private DemoPlan(IReadOnlyList<DemoPartnership> partnerships, IReadOnlyList<DemoCohort> cohorts)
    {
        Partnerships = partnerships;
        Cohorts = cohorts;
    }

    public IReadOnlyList<DemoPartnership> Partnerships { get; }

    public IReadOnlyList<DemoCohort> Cohorts { get; }

    /// <summary>Total observation rows over every indicator.</summary>
    public int ObservationCount => Partnerships.Sum(p => p.Indicators.Sum(i => i.Rows.Count));

    /// <summary>Builds the plan. <paramref name="today"/> caps assessment dates (the grains reject future dates).</summary>
    public static DemoPlan Create(DemoOptions options, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = new Random(options.Seed);
        var five = FrameworkCatalog.Embedded.Get("toa-5g-2016");
        var six = FrameworkCatalog.Embedded.Get("toa-6g");

        var slots = new List<(DemoTier Tier, bool FiveGateway)>();
        foreach (var (tier, sixCount, fiveCount) in TierCounts)
        {
            slots.AddRange(Enumerable.Repeat((tier, false), sixCount));
            slots.AddRange(Enumerable.Repeat((tier, true), fiveCount));
        }

        var places = DemoCatalog.Places.ToList();
        Shuffle(places, random);
        // Rural places get the early tiers: small partnerships usually are younger ones, and they can never be
        // meant for designations that need measurable gaps.
        var rural = places.Where(p => p.Rural).ToList();
        var urban = places.Where(p => !p.Rural).ToList();
        var orderedSlots = slots.Take(options.PartnershipCount).ToList();
        Shuffle(orderedSlots, random);
        orderedSlots = [.. orderedSlots.OrderBy(s => s.Tier <= DemoTier.SystemsChange ? 0 : 1)];

        var partnerships = new List<DemoPartnership>();
        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < orderedSlots.Count; i++)
        {
            var (tier, fiveGateway) = orderedSlots[i];
            var useRural = tier <= DemoTier.SystemsChange && rural.Count > 0 && random.NextDouble() < 0.3;
            var pool = useRural ? rural : urban.Count > 0 ? urban : rural;
            var place = pool[0];
            pool.RemoveAt(0);
            var prefix = DemoCatalog.NamePrefixes[random.Next(DemoCatalog.NamePrefixes.Count)];
            var name = $"{prefix} {place.Place}";
            var id = "demo-" + Slug(name);
            if (!usedIds.Add(id))
            {
                id = $"{id}-{i}";
                usedIds.Add(id);
            }

            var framework = fiveGateway ? five : six;
            partnerships.Add(BuildPartnership(id, name, place.State, place.Rural, tier, framework, options, today, random));
        }

        partnerships.Sort((a, b) => string.CompareOrdinal(a.PartnershipId, b.PartnershipId));
        return new DemoPlan(partnerships, BuildCohorts(partnerships, random));
    }

    private static DemoPartnership BuildPartnership(
        string id, string name, string state, bool rural, DemoTier tier, TheoryOfActionFramework framework,
        DemoOptions options, DateOnly today, Random random)
    {
        var students = rural ? random.Next(220, 700)
            : tier == DemoTier.SystemsTransformation ? random.Next(3_000, 12_000)
            : random.Next(900, 9_000);
        var profile = new PartnershipProfile(
            name,
            state,
            rural ? GeographicScopeLevel.MultiCountyRegion : random.NextDouble() < 0.55 ? GeographicScopeLevel.City : GeographicScopeLevel.County,
            rural ? $"{name.Split(' ')[^1]} region, several rural counties" : $"{name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..]} and surrounding school districts",
            new AnchorEntity(string.Format(System.Globalization.CultureInfo.InvariantCulture, DemoCatalog.AnchorPatterns[random.Next(DemoCatalog.AnchorPatterns.Count)], CityOf(name)), random.NextDouble() < 0.8),
            Sectors(tier, random),
            StaffRoles(tier, random),
            framework.Id);
        return new DemoPartnership(
            id, profile, tier, rural, students,
            Assessments(framework, tier, today, random),
            Indicators(tier, rural, students, state, options, random));
    }

    private static string CityOf(string name)
    {
        foreach (var prefix in DemoCatalog.NamePrefixes)
        {
            if (name.StartsWith(prefix + " ", StringComparison.Ordinal))
            {
                return name[(prefix.Length + 1)..];
            }
        }

        return name;
    }

    private static List<Sector> Sectors(DemoTier tier, Random random)
    {
        // The four required sectors first; later tiers have fuller tables.
        List<Sector> sectors = [Sector.K12Education, Sector.HigherEducation, Sector.Philanthropy, Sector.Business];
        foreach (var extra in new[] { Sector.EarlyChildhoodEducation, Sector.CommunityBasedOrganizations, Sector.CivicGovernment })
        {
            if (random.NextDouble() < 0.35 + (0.1 * (int)tier))
            {
                sectors.Add(extra);
            }
        }

        if (tier == DemoTier.Exploring && random.NextDouble() < 0.5)
        {
            sectors.Remove(Sector.Business);
        }

        return [.. sectors.Order()];
    }

    private static List<StaffRole> StaffRoles(DemoTier tier, Random random)
    {
        List<StaffRole> roles = [StaffRole.PartnershipDirector];
        foreach (var role in new[] { StaffRole.DataManager, StaffRole.Facilitator, StaffRole.CommunicationManager, StaffRole.CommunityEngagementManager })
        {
            if (random.NextDouble() < 0.25 + (0.12 * (int)tier))
            {
                roles.Add(role);
            }
        }

        return roles;
    }

    private static List<AssessmentBatch> Assessments(TheoryOfActionFramework framework, DemoTier tier, DateOnly today, Random random)
    {
        var gateways = framework.Gateways.Where(g => framework.Benchmarks.Any(b => b.GatewayId == g.Id)).OrderBy(g => g.Order).ToList();
        // Gateways whose every benchmark the tier needs met, then the gateway the partnership is working in.
        var fullyMet = tier switch
        {
            DemoTier.Exploring => 0,
            DemoTier.Emerging => 1,
            DemoTier.Sustaining => 2,
            DemoTier.SystemsChange => 3,
            DemoTier.ProofPoint => 3,
            _ => gateways.Count,
        };
        var batches = new List<AssessmentBatch>();
        for (var g = 0; g < gateways.Count; g++)
        {
            var benchmarks = framework.Benchmarks.Where(b => b.GatewayId == gateways[g].Id).ToList();
            // One assessment round per year: Exploring met in 2020, Emerging in 2021, and so on.
            var entries = g < fullyMet
                ? benchmarks.Select(b => Entry(b, BenchmarkStatus.Met, 2020 + g, today, random)).ToList()
                : g == fullyMet ? WorkingGateway(benchmarks, tier, today, random).Where(e => e.Status != BenchmarkStatus.NotStarted).ToList()
                : [];
            if (entries.Count > 0)
            {
                batches.Add(new AssessmentBatch(entries, [], Etag: null));
            }
        }

        if (batches.Count > 0 && tier >= DemoTier.ProofPoint)
        {
            batches[^1] = batches[^1] with { Examples = Examples(tier, random, today) };
        }

        return batches;
    }

    /// <summary>Benchmarks of the gateway a partnership is working in: some met, some in progress.</summary>
    private static IEnumerable<AssessmentEntry> WorkingGateway(List<Benchmark> benchmarks, DemoTier tier, DateOnly today, Random random)
    {
        const int Year = 2024;
        if (tier == DemoTier.ProofPoint)
        {
            // Proof Point (a): at least one Systems Change benchmark met in every pillar.
            var firstPerPillar = benchmarks.GroupBy(b => b.PillarId).Select(g => g.First().Id).ToHashSet(StringComparer.Ordinal);
            return benchmarks.Select(b => Entry(b, firstPerPillar.Contains(b.Id) || random.NextDouble() < 0.5 ? BenchmarkStatus.Met : BenchmarkStatus.InProgress, Year, today, random));
        }

        if (tier == DemoTier.SystemsChange)
        {
            // Working in Systems Change, but never a met benchmark in every pillar (that would be Proof Point (a)).
            var pillars = benchmarks.Select(b => b.PillarId).Distinct(StringComparer.Ordinal).ToList();
            var missingPillar = pillars[random.Next(pillars.Count)];
            return benchmarks.Select(b => Entry(
                b,
                b.PillarId != missingPillar && random.NextDouble() < 0.55 ? BenchmarkStatus.Met
                    : random.NextDouble() < 0.6 ? BenchmarkStatus.InProgress : BenchmarkStatus.NotStarted,
                Year, today, random));
        }

        // Earlier tiers: part of the gateway met, never all of it (that would move the partnership on).
        var unmet = benchmarks[random.Next(benchmarks.Count)].Id;
        return benchmarks.Select(b => Entry(
            b,
            b.Id != unmet && random.NextDouble() < 0.5 ? BenchmarkStatus.Met
                : random.NextDouble() < 0.7 ? BenchmarkStatus.InProgress : BenchmarkStatus.NotStarted,
            Year, today, random));
    }

    private static IReadOnlyList<SystemsChangeEntry> Examples(DemoTier tier, Random random, DateOnly today)
    {
        // Only partnerships meant for a designation report systems-change examples, so that no other partnership
        // reaches the five-gateway Proof Point or the Ongoing Proof Point by chance.
        if (tier < DemoTier.ProofPoint)
        {
            return [];
        }

        var count = tier == DemoTier.SystemsTransformation ? 3 : 1 + random.Next(2);
        var start = random.Next(DemoCatalog.SystemsChangeExamples.Count);
        List<SystemsChangeEntry> examples = [.. Enumerable.Range(0, count).Select(k =>
        {
            var (exampleId, description) = DemoCatalog.SystemsChangeExamples[(start + k) % DemoCatalog.SystemsChangeExamples.Count];
            return new SystemsChangeEntry(exampleId, description, Cap(new DateOnly(2023 + (k % 2), 1 + random.Next(12), 1 + random.Next(28)), today));
        })];

        // One more example after the Proof Point award (recorded as of the end of the last data year): the
        // "additional examples of systems change" the Ongoing Proof Point asks for. A fixed date, so the random
        // sequence (and everything else the plan draws) stays as it was.
        var (additionalId, additionalText) = DemoCatalog.SystemsChangeExamples[(start + count) % DemoCatalog.SystemsChangeExamples.Count];
        examples.Add(new SystemsChangeEntry(additionalId, additionalText, Cap(new DateOnly(2025, 3, 15), today)));
        return examples;
    }

    private static AssessmentEntry Entry(Benchmark benchmark, BenchmarkStatus status, int year, DateOnly today, Random random)
    {
        var date = Cap(new DateOnly(year, 1 + random.Next(12), 1 + random.Next(28)), today);
        var note = status switch
        {
            BenchmarkStatus.Met => EvidenceFor(benchmark.PillarId, random),
            BenchmarkStatus.InProgress => "Work under way; evidence to be reviewed at the next assessment.",
            _ => string.Empty,
        };
        return new AssessmentEntry(benchmark.Id, status, note, date, DemoCatalog.Assessors[random.Next(DemoCatalog.Assessors.Count)]);
    }

    private static string EvidenceFor(string pillarId, Random random) => pillarId switch
    {
        "SCV" => $"Cradle-to-career vision adopted by the leadership table; charter signed by {8 + random.Next(20)} organisations.",
        "EBDM" => $"Data-sharing agreements with {2 + random.Next(9)} districts; indicator dashboard reviewed quarterly.",
        "CA" => $"Action network of {6 + random.Next(30)} practitioners meets monthly using continuous improvement cycles.",
        _ => $"Multi-year commitments from {3 + random.Next(15)} investors; backbone budget aligned to the partnership's priorities.",
    };

    private static List<DemoIndicator> Indicators(DemoTier tier, bool rural, int students, string state, DemoOptions options, Random random)
    {
        var tracked = tier switch
        {
            DemoTier.Exploring => 2 + random.Next(2),
            DemoTier.Emerging => 3 + random.Next(2),
            DemoTier.Sustaining => 4 + random.Next(2),
            DemoTier.SystemsChange => 5 + random.Next(2),
            DemoTier.ProofPoint => 5 + random.Next(3),
            _ => 7,
        };
        // Early grade reading and graduation first (what most partnerships start with), then a random mix.
        var shapes = DemoCatalog.Indicators.ToList();
        var first = shapes.Where(s => s.Outcome is Outcome.EarlyGradeReading or Outcome.HighSchoolGraduation).ToList();
        var rest = shapes.Except(first).ToList();
        Shuffle(rest, random);
        var chosen = first.Concat(rest).Take(tracked).ToList();
        if (tier == DemoTier.SystemsTransformation)
        {
            chosen.Add(DemoCatalog.StableHousing);
        }

        // Younger partnerships set their baseline later.
        var firstYear = tier == DemoTier.Exploring ? Math.Max(options.FirstYear, options.LastYear - 3) : options.FirstYear;
        var sourceSuppresses = state is "TX" or "LA" or "AL";
        var indicators = new List<DemoIndicator>();
        foreach (var shape in chosen)
        {
            var trend = tier switch
            {
                DemoTier.SystemsTransformation => DemoTrend.Improving,
                DemoTier.ProofPoint => random.NextDouble() < 0.75 ? DemoTrend.Improving : DemoTrend.Flat,
                _ => random.NextDouble() switch
                {
                    < 0.4 => DemoTrend.Improving,
                    < 0.7 => DemoTrend.Flat,
                    _ => DemoTrend.Declining,
                },
            };
            indicators.Add(BuildIndicator(shape, trend, tier, students, firstYear, options.LastYear, sourceSuppresses, random));
        }

        return indicators;
    }

    private static DemoIndicator BuildIndicator(
        IndicatorShape shape, DemoTrend trend, DemoTier tier, int students, int firstYear, int lastYear, bool sourceSuppresses, Random random)
    {
        var baseRate = Math.Clamp(shape.BaseRate + ((random.NextDouble() - 0.5) * 16), 8, 92);
        var slope = trend switch
        {
            DemoTrend.Improving => 1.1 + (random.NextDouble() * 0.9),
            DemoTrend.Flat => (random.NextDouble() - 0.5) * 0.16,
            _ => -(0.9 + (random.NextDouble() * 0.7)),
        };
        // Designated partnerships close their gaps; others mostly hold them, some widen.
        var gapClosing = tier >= DemoTier.ProofPoint ? 0.7 + (random.NextDouble() * 0.6)
            : (random.NextDouble() - 0.35) * 1.2;
        var shares = DemographicShares(random);
        var lowIncomeShare = 0.3 + (random.NextDouble() * 0.45);
        var learnerShare = 0.04 + (random.NextDouble() * 0.2);
        var target = Math.Round(Math.Min(97, baseRate + 8 + random.Next(8)), 0);
        var gaps = new List<GapSpec>
        {
            new("black-vs-best", PopulationTaxonomy.AllGenders, "black", GapReferenceKind.BestGroupAtBaseline, null),
            new("hispanic-vs-all", PopulationTaxonomy.AllGenders, "hispanic", GapReferenceKind.AllStudents, null),
            new("low-income-vs-others", PopulationTaxonomy.AllGenders, "low-income", GapReferenceKind.Complement, null),
        };
        var spec = new IndicatorSpec(
            shape.Name,
            shape.Description,
            shape.Outcome,
            shape.Outcome == Outcome.AdjacentSector ? "Housing stability of families with school-age children" : string.Empty,
            IndicatorRole.Core,
            Polarity.HigherIsBetter,
            "percent",
            firstYear,
            [new TargetSpec(lastYear + 4, target)],
            DefinitionVersion: 1,
            PopulationTaxonomy.Cia2024.Version,
            shape.Source,
            gaps);

        var rows = new List<ObservationRow>();
        for (var year = firstYear; year <= lastYear; year++)
        {
            var elapsed = year - firstYear;
            // Noise only between the end points, so the baseline-to-latest change is what the trend intends.
            var noise = year == firstYear || year == lastYear ? 0 : (random.NextDouble() - 0.5) * 1.2;
            var rate = baseRate + (slope * elapsed) + noise;
            var size = (int)Math.Round(students * (1 + ((random.NextDouble() - 0.4) * 0.04 * elapsed)));
            rows.AddRange(YearCells(year, rate, size, elapsed * gapClosing, shape.GenderDifference, shares, lowIncomeShare, learnerShare, sourceSuppresses));
        }

        return new DemoIndicator(shape.Id, spec, trend, rows);
    }

    private static Dictionary<string, double> DemographicShares(Random random)
    {
        var raw = DemoCatalog.Races.ToDictionary(
            r => r.Code, r => r.MinShare + (random.NextDouble() * (r.MaxShare - r.MinShare)), StringComparer.Ordinal);
        var total = raw.Values.Sum();
        return raw.ToDictionary(kv => kv.Key, kv => kv.Value / total, StringComparer.Ordinal);
    }

    /// <summary>
    /// The 36 cells of one year. Race groups by gender are drawn first and summed into the totals, so every relation
    /// the suppression rules protect (All = Female + Male, All Students = sum of race groups) holds exactly.
    /// </summary>
    private static List<ObservationRow> YearCells(
        int year, double rate, int students, double closed, double genderDifference, Dictionary<string, double> shares,
        double lowIncomeShare, double learnerShare, bool sourceSuppresses)
    {
        var numerators = new Dictionary<(string Gender, string Population), long>();
        var denominators = new Dictionary<(string Gender, string Population), long>();
        void Add(string gender, string population, long n, long d)
        {
            numerators[(gender, population)] = numerators.GetValueOrDefault((gender, population)) + n;
            denominators[(gender, population)] = denominators.GetValueOrDefault((gender, population)) + d;
        }

        (string Code, double Share, double Offset)[] genders =
            [("female", 0.49, genderDifference / 2), ("male", 0.51, -genderDifference / 2)];
        foreach (var race in DemoCatalog.Races)
        {
            var offset = race.Offset < 0 ? Math.Min(0, race.Offset + closed) : race.Offset;
            foreach (var (gender, genderShare, genderOffset) in genders)
            {
                var d = Math.Max(1, (long)Math.Round(students * shares[race.Code] * genderShare));
                var n = (long)Math.Round(d * Proportion(rate + offset + genderOffset));
                Add(gender, race.Code, n, d);
                Add(gender, PopulationTaxonomy.AllStudents, n, d);
                Add(PopulationTaxonomy.AllGenders, race.Code, n, d);
                Add(PopulationTaxonomy.AllGenders, PopulationTaxonomy.AllStudents, n, d);
            }
        }

        foreach (var (code, share, baseOffset) in new[] { ("low-income", lowIncomeShare, -12.0), ("ell", learnerShare, -17.0) })
        {
            var offset = Math.Min(0, baseOffset + closed);
            foreach (var (gender, genderShare, genderOffset) in genders)
            {
                var d = Math.Max(1, (long)Math.Round(students * share * genderShare));
                var n = (long)Math.Round(d * Proportion(rate + offset + genderOffset));
                Add(gender, code, n, d);
                Add(PopulationTaxonomy.AllGenders, code, n, d);
            }
        }

        var rows = new List<ObservationRow>(36);
        foreach (var cell in PopulationTaxonomy.Cia2024.Cells)
        {
            var d = denominators[(cell.Gender, cell.Population)];
            var n = numerators[(cell.Gender, cell.Population)];
            // Some states publish fewer than 10 students as "*": the partnership passes that on as suppressed at source.
            rows.Add(sourceSuppresses && d < 10
                ? new ObservationRow(year, cell.Gender, cell.Population, null, null, SuppressedAtSource: true, SourceMarker: "*")
                : new ObservationRow(year, cell.Gender, cell.Population, n, d, SuppressedAtSource: false, SourceMarker: string.Empty));
        }

        return rows;
    }

    private static double Proportion(double percent) => Math.Clamp(percent, 2, 98) / 100;

    private static List<DemoCohort> BuildCohorts(List<DemoPartnership> partnerships, Random random)
    {
        List<string> Pick(IEnumerable<DemoPartnership> candidates, int count)
        {
            var list = candidates.ToList();
            Shuffle(list, random);
            return [.. list.Take(count).Select(p => p.PartnershipId).Order(StringComparer.Ordinal)];
        }

        return
        [
            new DemoCohort(
                "demo-early-literacy",
                "Early literacy learning community",
                "Partnerships whose first focus outcome is third grade reading; they compare benchmark progress each quarter.",
                Pick(partnerships.Where(p => p.Tier >= DemoTier.Sustaining && p.Indicators.Any(i => i.Spec.Outcome == Outcome.EarlyGradeReading)), 12)),
            new DemoCohort(
                "demo-postsecondary-pathways",
                "Postsecondary pathways cohort",
                "Partnerships working on enrollment and completion after high school, with their community colleges at the table.",
                Pick(partnerships.Where(p => p.Indicators.Any(i => i.Spec.Outcome == Outcome.PostsecondaryEnrollment)), 10)),
            new DemoCohort(
                "demo-rural-partnerships",
                "Rural partnerships network",
                "Multi-county rural partnerships sharing approaches to small numbers, long distances and few institutions.",
                Pick(partnerships.Where(p => p.Rural), 8)),
        ];
    }

    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static DateOnly Cap(DateOnly date, DateOnly today) => date > today ? today : date;

    private static string Slug(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = new string(chars);
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }

        return slug.Trim('-');
    }
}
