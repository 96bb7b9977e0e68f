using System.Globalization;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Settings;

namespace StriveNetwork.Domain.Suppression;

/// <summary>
/// Applies primary suppression, top/bottom coding and complementary suppression to a disaggregated table so that
/// no suppressed value can be recovered by subtraction from shown values, and then hides more until the disclosure
/// audit (bounded inference over integer counts) passes. See docs/domain-rules.md.
/// </summary>
/// <remarks>
/// Relations protected (each is "total = sum of parts"):
/// <list type="bullet">
/// <item>per population: All = Female + Male;</item>
/// <item>per gender: All Students = sum of the race/ethnicity groups (treated as a partition: if the real data
/// has unknown-race students, subtraction still gives a near-exact value, so protecting it is the safe reading);</item>
/// <item>per gender and subset (Low Income, ELL): All Students = subset + its complement. The complement is never
/// shown, but it is derivable when both others are, so a small complement forces one of them hidden.</item>
/// </list>
/// A relation is unsafe when exactly one member's value is unpublished and that value must be protected. The
/// numerator and the denominator are checked separately: a coded cell publishes its denominator but protects its
/// numerator. Unsafe relations are fixed by suppressing the published member with the smallest denominator
/// (parts before the total), repeated until no relation is unsafe. Then <see cref="DisclosureAudit"/> bounds every
/// hidden numerator over all relations at once, treating counts as integers in [0, denominator]; a value narrower
/// than the protection interval (or pinned to one value) gets one more cell hidden, until none is.
/// </remarks>
public sealed class SmallCellSuppressor
{
    private const string PriorPrefix = "prior:";

    private readonly SuppressionOptions _options;
    private readonly SuppressedTableCache? _cache;

    public SmallCellSuppressor(SuppressionOptions? options = null)
        : this(options, SuppressedTableCache.Shared)
    {
    }

    /// <summary>A suppressor with its own cache of table contents, or none (tests compare the two).</summary>
    internal SmallCellSuppressor(SuppressionOptions? options, SuppressedTableCache? cache)
    {
        _cache = cache;
        _options = options ?? new SuppressionOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }
    }

    /// <summary>A suppressor with a partnership's validated rule settings.</summary>
    /// <exception cref="IndicatorValidationException">The settings are invalid.</exception>
    public SmallCellSuppressor(PartnershipRuleSettings settings)
        : this((settings ?? throw new ArgumentNullException(nameof(settings))).EnsureValid().Suppression)
    {
    }

    public SuppressionOptions Options => _options;

    /// <summary>Suppresses every (definition version, year) table of a series.</summary>
    public PublishedSeries Publish(IndicatorSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var tables = new List<SuppressedTable>();
        foreach (var version in series.Versions())
        {
            foreach (var year in series.Years(version))
            {
                tables.Add(Suppress(series.Taxonomy, year, version, series.Table(version, year)));
            }
        }

        return new PublishedSeries(series.Definition, series.Taxonomy, tables);
    }

    /// <summary>
    /// <see cref="Publish"/> of <paramref name="series"/>, suppressing again only the (definition version, year)
    /// tables in <paramref name="changed"/> and taking every other table from <paramref name="previous"/> (the
    /// publication of the series before the change, by this suppressor). Exact, because a table's suppression depends
    /// on its own cells only: an ingest batch that touches two years of an indicator pays for two tables, not for all.
    /// </summary>
    public PublishedSeries Republish(IndicatorSeries series, PublishedSeries previous, IReadOnlySet<(int Version, int Year)> changed)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(changed);
        if (!ReferenceEquals(previous.Taxonomy, series.Taxonomy) && previous.Taxonomy.Version != series.Taxonomy.Version)
        {
            return Publish(series);
        }

        var tables = new List<SuppressedTable>();
        foreach (var version in series.Versions())
        {
            foreach (var year in series.Years(version))
            {
                tables.Add(!changed.Contains((version, year)) && previous.Table(version, year) is { } kept
                    ? kept
                    : Suppress(series.Taxonomy, year, version, series.Table(version, year)));
            }
        }

        return new PublishedSeries(series.Definition, series.Taxonomy, tables);
    }

    /// <summary>Suppresses one table. Cells absent from <paramref name="observations"/> are reported as missing.</summary>
    public SuppressedTable Suppress(PopulationTaxonomy taxonomy, int year, int definitionVersion, IReadOnlyDictionary<CellKey, Observation> observations) =>
        Suppress(taxonomy, year, definitionVersion, observations, prior: null);

    /// <summary>
    /// Suppresses one table so that, together with a prior release of the same year and definition version (a
    /// revision republishes it), no hidden value can be narrowed below the protection interval.
    /// </summary>
    public SuppressedTable Suppress(PopulationTaxonomy taxonomy, int year, int definitionVersion, IReadOnlyDictionary<CellKey, Observation> observations, PriorRelease? prior)
    {
        ArgumentNullException.ThrowIfNull(taxonomy);
        ArgumentNullException.ThrowIfNull(observations);
        var unknown = observations.Keys.Where(k => !taxonomy.IsKnownGender(k.Gender) || !taxonomy.IsKnownPopulation(k.Population)).ToList();
        if (unknown.Count > 0)
        {
            throw new IndicatorValidationException(
                [.. unknown.Select(k => new ValidationError(k.ToString(), ValidationErrorKind.UnknownPopulation, $"Cell {k} is not in taxonomy {taxonomy.Version}."))]);
        }

        // Without a prior release the result depends on the content only (SuppressedTableCache): the same counts
        // suppressed before give the same published cells, so the audit's solvers do not run again.
        SuppressedTableCache.Key? key = prior is null && _cache is not null ? SuppressedTableCache.KeyOf(taxonomy, _options, observations) : null;
        if (key is { } found && _cache!.Find(found, taxonomy, year, definitionVersion) is { } cached)
        {
            return cached;
        }

        var table = SuppressUncached(taxonomy, year, definitionVersion, observations, prior);
        if (key is { } added)
        {
            _cache!.Add(added, table);
        }

        return table;
    }

    private SuppressedTable SuppressUncached(PopulationTaxonomy taxonomy, int year, int definitionVersion, IReadOnlyDictionary<CellKey, Observation> observations, PriorRelease? prior)
    {
        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var cell in taxonomy.Cells)
        {
            nodes[Id(cell)] = Classify(cell, observations.GetValueOrDefault(cell));
        }

        var relations = BuildRelations(taxonomy, observations, nodes);
        ApplySubtractionRules(relations, nodes);

        // The bounded-inference audit: exact numerator ranges under every relation, integers in [0, d]. Hiding one
        // more cell only widens ranges, so repeating until the audit passes terminates (at worst all is hidden).
        DisclosureAuditResult audit;
        while (true)
        {
            audit = AuditTable(nodes, relations, prior);
            if (audit.Safe || !HideForAudit(audit, relations, nodes))
            {
                break;
            }

            // A newly hidden cell can open a subtraction leak of its own; close those before auditing again.
            ApplySubtractionRules(relations, nodes);
        }

        var cells = nodes.Values.Where(n => !n.IsVirtual).ToDictionary(n => n.Cell, n => n.ToPublished(year, definitionVersion));
        return new SuppressedTable(year, definitionVersion, taxonomy, cells) { Audit = audit };
    }

    /// <summary>
    /// The cheap rules first: a relation with one protected unknown gets a partner hidden, and a protected value fixed
    /// by a chain of subtractions over several relations (solving the whole linear system) gets one too. One
    /// subtraction is the common attack, so the first rule does most of the work; the audit then decides.
    /// </summary>
    private static void ApplySubtractionRules(List<Relation> relations, Dictionary<string, Node> nodes)
    {
        while (true)
        {
            while (FindUnsafe(relations, nodes) is { } fix)
            {
                Complement(fix.Relation, fix.Protected, nodes, quantity: null);
            }

            if (FindDetermined(relations, nodes) is not { } leak)
            {
                return;
            }

            var relation = relations.FirstOrDefault(r => r.Members.Contains(leak.Node.Id) && HasCandidate(r, leak.Node, nodes, leak.Quantity))
                ?? relations.FirstOrDefault(r => HasCandidate(r, leak.Node, nodes, leak.Quantity));
            if (relation is null)
            {
                return; // nothing published is left to hide
            }

            Complement(relation, leak.Node, nodes, leak.Quantity);
        }
    }

    /// <summary>Audits the table as it would be published now (and, with a prior release, both releases together).</summary>
    private DisclosureAuditResult AuditTable(Dictionary<string, Node> nodes, List<Relation> relations, PriorRelease? prior)
    {
        var members = nodes.Values.Select(ToAuditMember).ToList();
        var auditRelations = relations.Select(r => new AuditRelation(r.Total, r.Members, r.Description)).ToList();
        if (prior is not null)
        {
            AddPrior(prior, nodes, relations, members, auditRelations);
        }

        return DisclosureAudit.Run(members, auditRelations, _options.Protection);
    }

    /// <summary>
    /// Adds what a prior release of the same table published. A cell whose counts did not change is the same
    /// unknown in both releases; a changed cell is a separate unknown constrained by the prior release's relations.
    /// </summary>
    private void AddPrior(PriorRelease prior, Dictionary<string, Node> nodes, List<Relation> relations, List<AuditMember> members, List<AuditRelation> auditRelations)
    {
        string Resolve(string id)
        {
            if (!nodes.TryGetValue(id, out var node) || node.IsVirtual)
            {
                return PriorPrefix + id;
            }

            var before = prior.Observations.GetValueOrDefault(node.Cell);
            var unchanged = before is { SuppressedAtSource: false, HasCounts: true } && before.Numerator == node.Numerator && before.Denominator == node.Denominator
                || (before is null && node.Status == CellStatus.Missing);
            return unchanged ? id : PriorPrefix + id;
        }

        var index = members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        foreach (var relation in relations)
        {
            foreach (var id in relation.Members)
            {
                var resolved = Resolve(id);
                if (index.ContainsKey(resolved))
                {
                    if (!nodes.TryGetValue(id, out var node) || node.IsVirtual || prior.Published.Cells.GetValueOrDefault(node.Cell) is not { } was)
                    {
                        continue;
                    }

                    // Unchanged: whatever the prior release showed is known now too.
                    var current = index[resolved];
                    if (was.Status == CellStatus.Shown && was.Numerator is not null && current.ReaderNumerator is null)
                    {
                        index[resolved] = current with { ReaderNumerator = was.Numerator };
                    }
                    else if (was.Status == CellStatus.Coded && current.ReaderNumerator is null)
                    {
                        var (lower, upper) = CodedBounds(was.Denominator ?? current.TrueDenominator ?? 0, was.Display);
                        index[resolved] = current with { NumeratorLower = Math.Max(current.NumeratorLower, lower), NumeratorUpper = Math.Min(current.NumeratorUpper ?? long.MaxValue, upper) };
                    }

                    continue;
                }

                index[resolved] = PriorMember(prior, nodes.GetValueOrDefault(id), resolved, id);
            }

            auditRelations.Add(new AuditRelation(Resolve(relation.Total), [.. relation.Members.Select(Resolve)], "prior release: " + relation.Description));
        }

        members.Clear();
        members.AddRange(index.Values);
    }

    private AuditMember PriorMember(PriorRelease prior, Node? node, string id, string currentId)
    {
        if (node is null || node.IsVirtual)
        {
            // A derived complement of the prior release: known to the reader only through the relations.
            var parts = currentId.Split("/not-");
            var all = prior.Observations.GetValueOrDefault(new CellKey(parts[0], PopulationTaxonomy.AllStudents));
            var subset = prior.Observations.GetValueOrDefault(new CellKey(parts[0], parts[1]));
            if (all is { SuppressedAtSource: false, HasCounts: true } && subset is { SuppressedAtSource: false, HasCounts: true }
                && all.Numerator - subset.Numerator is var n and >= 0 && all.Denominator - subset.Denominator is var d and >= 0 && n <= d)
            {
                return new AuditMember(id, null, d, 0, null, n, d, ProtectionRequirement.None);
            }

            return new AuditMember(id, null, null, 0, null, null, null, ProtectionRequirement.None);
        }

        var o = prior.Observations.GetValueOrDefault(node.Cell);
        var was = prior.Published.Cells.GetValueOrDefault(node.Cell);
        if (o is not { SuppressedAtSource: false, HasCounts: true })
        {
            return new AuditMember(id, null, null, 0, null, null, null, ProtectionRequirement.None);
        }

        long pn = o.Numerator!.Value, pd = o.Denominator!.Value;
        if (was?.Status == CellStatus.Shown)
        {
            return new AuditMember(id, pn, pd, 0, null, pn, pd, ProtectionRequirement.None);
        }

        if (was?.Status == CellStatus.Coded)
        {
            var (lower, upper) = CodedBounds(pd, was.Display);
            return new AuditMember(id, null, pd, lower, upper, pn, pd, ProtectionRequirement.NotDetermined);
        }

        // A value the earlier release hid must stay protected now: the revision may show cells it was hidden with.
        return new AuditMember(id, null, pd, 0, null, pn, pd,
            PrimaryReason(pn, pd) is not null ? ProtectionRequirement.Interval : ProtectionRequirement.NotDetermined);
    }

    private AuditMember ToAuditMember(Node n)
    {
        if (n.IsVirtual)
        {
            // A derived complement (e.g. students not low income): never shown, computable from All and the subset.
            return n.Numerator is { } cn && n.Denominator is { } cd
                ? new AuditMember(n.Id, null, cd, 0, null, cn, cd, n.Sensitive ? ProtectionRequirement.Interval : ProtectionRequirement.None)
                : new AuditMember(n.Id, null, null, 0, null, null, null, n.Sensitive ? ProtectionRequirement.NotDetermined : ProtectionRequirement.None);
        }

        if (n.Numerator is not { } tn || n.Denominator is not { } td)
        {
            // No counts: no observation, suppressed at source, or a rate-only cell. Possibly zero students.
            var requirement = n.Status switch
            {
                CellStatus.Missing when n.Sensitive => ProtectionRequirement.NotDetermined,
                CellStatus.Suppressed => ProtectionRequirement.NotDetermined,
                _ => ProtectionRequirement.None,
            };
            return new AuditMember(n.Id, null, null, 0, null, null, null, requirement);
        }

        if (n.Status == CellStatus.Shown)
        {
            return new AuditMember(n.Id, tn, td, 0, null, tn, td, ProtectionRequirement.None);
        }

        if (n.Status == CellStatus.Coded)
        {
            var (lower, upper) = CodedBounds(td, n.Display);
            return new AuditMember(n.Id, null, td, lower, upper, tn, td, ProtectionRequirement.NotDetermined);
        }

        return new AuditMember(n.Id, null, td, 0, null, tn, td,
            n.Reason == SuppressionReason.Primary || _options.Protection.ApplyToComplementaryCells
                ? ProtectionRequirement.Interval
                : ProtectionRequirement.NotDetermined);
    }

    /// <summary>The numerators a coded display ("&gt;95%", "&lt;5%") admits for a denominator.</summary>
    private static (long Lower, long Upper) CodedBounds(long d, string display)
    {
        var threshold = decimal.Parse(display.Trim('>', '<', '%'), NumberStyles.Number, CultureInfo.InvariantCulture);
        return display.StartsWith('>')
            ? ((long)Math.Floor(threshold * d / 100m) + 1, d)
            : (0, (long)Math.Ceiling(threshold * d / 100m) - 1);
    }

    /// <summary>
    /// Hides one more published cell to widen the range of the first failing member: a published member of a
    /// relation the failing member is in (parts before totals, then the smallest denominator); failing that, the
    /// published cell with the smallest denominator anywhere. False when nothing is left to hide.
    /// </summary>
    private static bool HideForAudit(DisclosureAuditResult audit, List<Relation> relations, Dictionary<string, Node> nodes)
    {
        foreach (var violation in audit.Violations)
        {
            // A prior release's value is widened through the same relations of the current table.
            var id = violation.Member.StartsWith(PriorPrefix, StringComparison.Ordinal) ? violation.Member[PriorPrefix.Length..] : violation.Member;
            var candidate = relations
                .Where(r => r.Members.Contains(id, StringComparer.Ordinal))
                .SelectMany(r => r.Members.Select(m => (Relation: r, Node: nodes[m])))
                .Where(x => !x.Node.IsVirtual && x.Node.Id != id && x.Node.Status is CellStatus.Shown or CellStatus.Coded)
                .OrderBy(x => x.Node.Id == x.Relation.Total ? 1 : 0)
                .ThenBy(x => x.Node.Denominator ?? long.MaxValue)
                .ThenBy(x => x.Node.Order)
                .Select(x => x.Node)
                .FirstOrDefault()
                ?? nodes.Values
                    .Where(n => !n.IsVirtual && n.Status is CellStatus.Shown or CellStatus.Coded)
                    .OrderBy(n => n.Denominator ?? long.MaxValue)
                    .ThenBy(n => n.Order)
                    .FirstOrDefault();
            if (candidate is null)
            {
                continue;
            }

            var label = nodes.TryGetValue(id, out var protectedNode) ? protectedNode.Label : id;
            candidate.Status = CellStatus.Suppressed;
            candidate.Reason = SuppressionReason.Complementary;
            candidate.Explanation = $"Hidden so that the published values cannot narrow {label} to fewer than the protection interval allows.";
            return true;
        }

        return false;
    }

    private static bool IsCandidate(Node n, Node protectedNode, char? quantity) =>
        !ReferenceEquals(n, protectedNode) && !n.IsVirtual && n.Status is CellStatus.Shown or CellStatus.Coded
        && (quantity is null || (quantity == 'N' ? n.PublishesNumerator : n.PublishesDenominator));

    private static bool HasCandidate(Relation relation, Node protectedNode, Dictionary<string, Node> nodes, char quantity) =>
        relation.Members.Any(id => IsCandidate(nodes[id], protectedNode, quantity));

    /// <summary>Suppresses the relation's published member with the smallest denominator, parts before the total.</summary>
    private static void Complement(Relation relation, Node protectedNode, Dictionary<string, Node> nodes, char? quantity)
    {
        var chosen = relation.Members
            .Select(id => nodes[id])
            .Where(n => IsCandidate(n, protectedNode, quantity))
            .OrderBy(n => n.Id == relation.Total ? 1 : 0)
            .ThenBy(n => n.Denominator ?? long.MaxValue)
            .ThenBy(n => n.Order)
            .First();
        chosen.Status = CellStatus.Suppressed;
        chosen.Reason = SuppressionReason.Complementary;
        chosen.Explanation = relation.Members.Contains(protectedNode.Id)
            ? $"Hidden so that {protectedNode.Label} cannot be recovered from {relation.Description}."
            : $"Hidden so that {protectedNode.Label} cannot be recovered by combining several relations.";
    }

    /// <summary>
    /// Finds a protected unpublished value that the published values fix exactly through all relations together:
    /// the unknown's unit vector lies in the row space of the relations restricted to unknowns.
    /// </summary>
    private static (Node Node, char Quantity)? FindDetermined(List<Relation> relations, Dictionary<string, Node> nodes)
    {
        foreach (var quantity in new[] { 'D', 'N' })
        {
            var unknowns = nodes.Values
                .Where(n => quantity == 'N' ? !n.PublishesNumerator : !n.PublishesDenominator)
                .OrderBy(n => n.Order).ThenBy(n => n.Id, StringComparer.Ordinal)
                .ToList();
            var column = unknowns.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
            var rows = new List<double[]>();
            foreach (var relation in relations)
            {
                var row = new double[unknowns.Count];
                foreach (var id in relation.Members)
                {
                    if (column.TryGetValue(id, out var c))
                    {
                        row[c] += id == relation.Total ? 1 : -1;
                    }
                }

                rows.Add(row);
            }

            foreach (var c in LinearAlgebra.DeterminedColumns(rows, unknowns.Count))
            {
                var node = unknowns[c];
                if (quantity == 'N' ? node.ProtectsNumerator : node.ProtectsDenominator)
                {
                    return (node, quantity);
                }
            }
        }

        return null;
    }

    private Node Classify(CellKey cell, Observation? o)
    {
        var node = new Node(Id(cell), cell.ToString(), cell, IsVirtual: false) { Order = 0 };
        if (o is null)
        {
            node.Status = CellStatus.Missing;
            node.Explanation = "No data reported.";
            node.Sensitive = _options.TreatMissingCellsAsSensitive;
            return node;
        }

        if (o.SuppressedAtSource)
        {
            node.Suppress(SuppressionReason.SuppressedAtSource, "Suppressed by the data source.");
            return node;
        }

        if (!o.HasCounts)
        {
            // Rate-only cells come from already-published sources; they can be coded but not size-checked.
            node.Rate = o.ReportedRate;
            ApplyCoding(node, denominator: null);
            return node;
        }

        long n = o.Numerator!.Value, d = o.Denominator!.Value;
        node.Numerator = n;
        node.Denominator = d;
        node.Rate = d > 0 ? 100.0 * n / d : null;
        if (PrimaryReason(n, d) is { } reason)
        {
            node.Suppress(SuppressionReason.Primary, reason);
            return node;
        }

        ApplyCoding(node, d);
        return node;
    }

    /// <summary>Why counts (n of d) would be a primary suppression, or null when they are publishable.</summary>
    /// <summary>
    /// Why a group of <paramref name="numerator"/> of <paramref name="denominator"/> students could not be published
    /// (too small, too few on one side, a coded range that pins the count), or null when it could. Derived groups
    /// (a complement used as a gap's reference) are checked with it before any value built on them is shown.
    /// </summary>
    public string? PrimaryReasonFor(long numerator, long denominator) => PrimaryReason(numerator, denominator);

    private string? PrimaryReason(long n, long d)
    {
        if (d < _options.MinimumN)
        {
            return $"Denominator below the minimum n of {_options.MinimumN}.";
        }

        if (n < _options.MinimumOutcomeCount || d - n < _options.MinimumOutcomeCount)
        {
            return $"Fewer than {_options.MinimumOutcomeCount} students on one side of the rate.";
        }

        // A coded range that admits only one count would disclose it exactly (e.g. "<5%" of 20 means 0 of 20).
        if (InTopZone(n, d) && CountsInTopZone(d) < 2)
        {
            return $"Rate above {Format(_options.TopCodeAbove!.Value)} and the range would reveal the exact count.";
        }

        if (InBottomZone(n, d) && CountsInBottomZone(d) < 2)
        {
            return $"Rate below {Format(_options.BottomCodeBelow!.Value)} and the range would reveal the exact count.";
        }

        return null;
    }

    private void ApplyCoding(Node node, long? denominator)
    {
        var top = _options.TopCodeAbove;
        var bottom = _options.BottomCodeBelow;
        var inTop = node.Numerator is { } n && denominator is { } d ? InTopZone(n, d) : top is not null && node.Rate > top;
        var inBottom = node.Numerator is { } n2 && denominator is { } d2 ? InBottomZone(n2, d2) : bottom is not null && node.Rate < bottom;
        if (inTop)
        {
            node.Status = CellStatus.Coded;
            node.Display = ">" + Format(top!.Value);
            node.Explanation = "Rate top-coded.";
        }
        else if (inBottom)
        {
            node.Status = CellStatus.Coded;
            node.Display = "<" + Format(bottom!.Value);
            node.Explanation = "Rate bottom-coded.";
        }
        else
        {
            node.Status = CellStatus.Shown;
            node.Display = node.Rate is { } rate ? PublishedCell.FormatRate(rate) : PublishedCell.MissingSymbol;
            node.Explanation = "Shown.";
        }
    }

    // Decimal arithmetic keeps boundaries exact: 19 of 20 is exactly 95%, not above it.
    private bool InTopZone(long n, long d) => _options.TopCodeAbove is { } t && d > 0 && 100m * n > (decimal)t * d;

    private bool InBottomZone(long n, long d) => _options.BottomCodeBelow is { } b && d > 0 && 100m * n < (decimal)b * d;

    private long CountsInTopZone(long d) => d - (long)Math.Floor((decimal)_options.TopCodeAbove!.Value * d / 100m);

    private long CountsInBottomZone(long d) => (long)Math.Ceiling((decimal)_options.BottomCodeBelow!.Value * d / 100m);

    private List<Relation> BuildRelations(PopulationTaxonomy taxonomy, IReadOnlyDictionary<CellKey, Observation> observations, Dictionary<string, Node> nodes)
    {
        var relations = new List<Relation>();
        var totalGender = taxonomy.Genders.Single(g => g.IsTotal).Code;
        var totalPopulation = taxonomy.Populations.Single(p => p.Kind == PopulationKind.Total).Code;
        var races = taxonomy.Populations.Where(p => p.Kind == PopulationKind.RaceEthnicity).Select(p => p.Code).ToList();
        var order = 0;
        foreach (var cell in taxonomy.Cells)
        {
            nodes[Id(cell)].Order = order++;
        }

        foreach (var population in taxonomy.Populations)
        {
            relations.Add(new Relation(
                Id(new CellKey(totalGender, population.Code)),
                [.. taxonomy.Genders.Select(g => Id(new CellKey(g.Code, population.Code)))],
                $"the gender split of {population.Name}"));
        }

        foreach (var gender in taxonomy.Genders)
        {
            var total = Id(new CellKey(gender.Code, totalPopulation));
            relations.Add(new Relation(total, [total, .. races.Select(r => Id(new CellKey(gender.Code, r)))], $"the race/ethnicity split of {gender.Name}"));
            foreach (var subset in taxonomy.Populations.Where(p => p.Kind == PopulationKind.Subset))
            {
                var part = new CellKey(gender.Code, subset.Code);
                var complement = AddComplement(nodes, gender.Code, subset, observations.GetValueOrDefault(new CellKey(gender.Code, totalPopulation)), observations.GetValueOrDefault(part));
                relations.Add(new Relation(total, [total, Id(part), complement], $"All Students minus {subset.Name} ({gender.Name})"));
            }
        }

        foreach (var subset in taxonomy.Populations.Where(p => p.Kind == PopulationKind.Subset))
        {
            relations.Add(new Relation(
                $"{totalGender}/not-{subset.Code}",
                [.. taxonomy.Genders.Select(g => $"{g.Code}/not-{subset.Code}")],
                $"the gender split of students not {subset.Name}"));
        }

        return relations;
    }

    private string AddComplement(Dictionary<string, Node> nodes, string gender, PopulationCategory subset, Observation? all, Observation? part)
    {
        var id = $"{gender}/not-{subset.Code}";
        var node = new Node(id, $"{gender}/not {subset.Name}", default, IsVirtual: true) { Status = CellStatus.Suppressed, Order = int.MaxValue };
        if (all is { SuppressedAtSource: false, HasCounts: true } && part is { SuppressedAtSource: false, HasCounts: true })
        {
            var n = all.Numerator!.Value - part.Numerator!.Value;
            var d = all.Denominator!.Value - part.Denominator!.Value;
            // Inconsistent inputs (a subset larger than the total) are treated as sensitive rather than trusted.
            var consistent = n >= 0 && d >= 0 && n <= d;
            node.Sensitive = !consistent || PrimaryReason(n, d) is not null;
            if (consistent)
            {
                node.Numerator = n;
                node.Denominator = d;
            }
        }

        nodes[id] = node;
        return id;
    }

    private static (Relation Relation, Node Protected)? FindUnsafe(List<Relation> relations, Dictionary<string, Node> nodes)
    {
        foreach (var relation in relations)
        {
            var members = relation.Members.Select(id => nodes[id]).ToList();
            var hiddenDenominators = members.Where(m => !m.PublishesDenominator).ToList();
            if (hiddenDenominators is [{ ProtectsDenominator: true } lone])
            {
                return (relation, lone);
            }

            var hiddenNumerators = members.Where(m => !m.PublishesNumerator).ToList();
            if (hiddenNumerators is [{ ProtectsNumerator: true } loneN])
            {
                return (relation, loneN);
            }
        }

        return null;
    }

    private static string Id(CellKey cell) => cell.ToString();

    private static string Format(double percent) => percent.ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private sealed record Relation(string Total, IReadOnlyList<string> Members, string Description);

    private sealed record Node(string Id, string Label, CellKey Cell, bool IsVirtual)
    {
        public CellStatus Status { get; set; }

        public SuppressionReason Reason { get; set; }

        public string Explanation { get; set; } = string.Empty;

        public string Display { get; set; } = PublishedCell.SuppressedSymbol;

        public long? Numerator { get; set; }

        public long? Denominator { get; set; }

        public double? Rate { get; set; }

        /// <summary>For missing and virtual cells: whether their value must stay unrecoverable.</summary>
        public bool Sensitive { get; set; }

        public int Order { get; set; }

        public bool PublishesDenominator => !IsVirtual && Status is CellStatus.Shown or CellStatus.Coded && Denominator is not null;

        public bool PublishesNumerator => !IsVirtual && Status == CellStatus.Shown && Numerator is not null;

        public bool ProtectsDenominator => IsVirtual || Status == CellStatus.Missing ? Sensitive : Status == CellStatus.Suppressed;

        public bool ProtectsNumerator => ProtectsDenominator || (Status == CellStatus.Coded && Numerator is not null);

        public void Suppress(SuppressionReason reason, string explanation)
        {
            Status = CellStatus.Suppressed;
            Reason = reason;
            Explanation = explanation;
        }

        public PublishedCell ToPublished(int year, int version) => Status switch
        {
            CellStatus.Shown => new(Cell, year, version, Status, Numerator, Denominator, Rate, Display, SuppressionReason.None, Explanation),
            CellStatus.Coded => new(Cell, year, version, Status, null, Denominator, null, Display, SuppressionReason.None, Explanation),
            CellStatus.Missing => new(Cell, year, version, Status, null, null, null, PublishedCell.MissingSymbol, SuppressionReason.None, Explanation),
            _ => new(Cell, year, version, CellStatus.Suppressed, null, null, null, PublishedCell.SuppressedSymbol, Reason, Explanation),
        };
    }
}
