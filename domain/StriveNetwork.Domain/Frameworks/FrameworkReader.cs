using System.Collections.Immutable;
using System.Text.Json;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;

namespace StriveNetwork.Domain.Frameworks;

/// <summary>Turns a framework data file into a validated <see cref="TheoryOfActionFramework"/>.</summary>
internal sealed class FrameworkReader(string sourceName)
{
    private readonly string _sourceName = sourceName;

    public static TheoryOfActionFramework Read(Stream stream, string sourceName)
    {
        FrameworkDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(stream, FrameworkJsonContext.Default.FrameworkDocument);
        }
        catch (JsonException ex)
        {
            throw new FrameworkValidationException(sourceName, "document", $"invalid JSON: {ex.Message}", ex);
        }

        return new FrameworkReader(sourceName).Map(
            document ?? throw new FrameworkValidationException(sourceName, "document", "the document is empty (null)."));
    }

    private TheoryOfActionFramework Map(FrameworkDocument document)
    {
        var id = Required(document.Id, "framework", "id");
        var frameworkItem = $"framework '{id}'";
        var name = Required(document.Name, frameworkItem, "name");
        var gateways = MapGateways(document.Gateways);
        var pillars = MapPillars(document.Pillars);
        var principles = MapPrinciples(document.Principles);
        var placement = new PlacementRules(document.Placement?.CountCarriedOverBenchmarks ?? true);
        var benchmarks = MapBenchmarks(document.Benchmarks, gateways, pillars);
        var designations = MapDesignations(document.Designations, gateways, pillars, benchmarks);
        var revision = document.RulesRevision ?? 1;
        if (revision < 1)
        {
            throw Fail(frameworkItem, $"'rulesRevision' must be at least 1, got {revision}.");
        }

        return new TheoryOfActionFramework(
            id, name, document.Version ?? string.Empty, document.Source ?? string.Empty,
            gateways, pillars, principles, benchmarks, placement, new DesignationRules(designations))
        {
            RulesRevision = revision,
        };
    }

    private ImmutableArray<Gateway> MapGateways(List<GatewayDocument>? documents)
    {
        if (documents is null || documents.Count == 0)
        {
            throw Fail("gateways", "at least one gateway is required.");
        }

        var gateways = new List<Gateway>();
        foreach (var (doc, index) in documents.Select((d, i) => (d, i)))
        {
            var id = Required(doc.Id, $"gateway #{index + 1}", "id");
            var item = $"gateway '{id}'";
            if (gateways.Any(g => g.Id == id))
            {
                throw Fail(item, "duplicate gateway id.");
            }

            var order = doc.Order ?? throw Fail(item, "'order' is missing.");
            if (gateways.Any(g => g.Order == order))
            {
                throw Fail(item, $"duplicate gateway order {order}.");
            }

            var stage = ParseEnum<GatewayStage>(doc.Stage, item, "stage");
            if (gateways.Any(g => g.Stage == stage))
            {
                throw Fail(item, $"duplicate gateway stage '{stage}'.");
            }

            var entry = ParseEnum<GatewayEntry>(doc.Entry, item, "entry");
            gateways.Add(new Gateway(id, Required(doc.Name, item, "name"), order, stage, entry));
        }

        var ordered = gateways.OrderBy(g => g.Order).ToImmutableArray();
        if (ordered[0].Entry != GatewayEntry.Benchmarks)
        {
            throw Fail($"gateway '{ordered[0].Id}'", "the first gateway must be entered by benchmarks (it is the entry gateway).");
        }

        for (var i = 1; i < ordered.Length; i++)
        {
            if (ordered[i].Stage <= ordered[i - 1].Stage)
            {
                throw Fail($"gateway '{ordered[i].Id}'",
                    $"stage '{ordered[i].Stage}' is out of order after '{ordered[i - 1].Stage}'.");
            }

            // Placement by benchmarks walks the benchmark gateways as a prefix; a benchmark gateway after a
            // designation gateway could be reached by benchmarks alone, which the rules forbid.
            if (ordered[i].Entry == GatewayEntry.Benchmarks && ordered[i - 1].Entry == GatewayEntry.Designation)
            {
                throw Fail($"gateway '{ordered[i].Id}'",
                    "a gateway entered by benchmarks cannot follow a gateway entered by designation.");
            }
        }

        return ordered;
    }

    private ImmutableArray<Pillar> MapPillars(List<PillarDocument>? documents)
    {
        if (documents is null || documents.Count == 0)
        {
            throw Fail("pillars", "at least one pillar is required.");
        }

        var pillars = ImmutableArray.CreateBuilder<Pillar>();
        foreach (var (doc, index) in documents.Select((d, i) => (d, i)))
        {
            var id = Required(doc.Id, $"pillar #{index + 1}", "id");
            if (pillars.Any(p => p.Id == id))
            {
                throw Fail($"pillar '{id}'", "duplicate pillar id.");
            }

            pillars.Add(new Pillar(id, Required(doc.Name, $"pillar '{id}'", "name")));
        }

        return pillars.ToImmutable();
    }

    private ImmutableArray<Principle> MapPrinciples(List<PrincipleDocument>? documents)
    {
        var principles = ImmutableArray.CreateBuilder<Principle>();
        foreach (var (doc, index) in (documents ?? []).Select((d, i) => (d, i)))
        {
            var id = Required(doc.Id, $"principle #{index + 1}", "id");
            var item = $"principle '{id}'";
            if (principles.Any(p => p.Id == id))
            {
                throw Fail(item, "duplicate principle id.");
            }

            principles.Add(new Principle(id, Required(doc.Name, item, "name"), Required(doc.Text, item, "text")));
        }

        return principles.ToImmutable();
    }

    private ImmutableArray<Benchmark> MapBenchmarks(
        List<BenchmarkDocument>? documents, ImmutableArray<Gateway> gateways, ImmutableArray<Pillar> pillars)
    {
        if (documents is null || documents.Count == 0)
        {
            throw Fail("benchmarks", "at least one benchmark is required.");
        }

        var benchmarks = ImmutableArray.CreateBuilder<Benchmark>();
        foreach (var (doc, index) in documents.Select((d, i) => (d, i)))
        {
            var id = Required(doc.Id, $"benchmark #{index + 1}", "id");
            var item = $"benchmark '{id}'";
            if (benchmarks.Any(b => b.Id == id))
            {
                throw Fail(item, "duplicate benchmark id.");
            }

            var gatewayId = Required(doc.Gateway, item, "gateway");
            if (!gateways.Any(g => g.Id == gatewayId))
            {
                throw Fail(item, $"unknown gateway '{gatewayId}'.");
            }

            var pillarId = Required(doc.Pillar, item, "pillar");
            if (!pillars.Any(p => p.Id == pillarId))
            {
                throw Fail(item, $"unknown pillar '{pillarId}'.");
            }

            var text = Required(doc.Text, item, "text");
            var provenanceDoc = doc.Provenance ?? throw Fail(item, "'provenance' is missing.");
            var carriedOver = provenanceDoc.CarriedOver ?? false;
            if (carriedOver && string.IsNullOrWhiteSpace(provenanceDoc.CarriedOverFrom))
            {
                throw Fail(item, "'carriedOver' is true but 'carriedOverFrom' names no source benchmark.");
            }

            if (!carriedOver && !string.IsNullOrWhiteSpace(provenanceDoc.CarriedOverFrom))
            {
                throw Fail(item, "'carriedOverFrom' is set but 'carriedOver' is not true.");
            }

            var provenance = new BenchmarkProvenance(
                Required(provenanceDoc.Seed, item, "provenance.seed"),
                provenanceDoc.Confidence ?? string.Empty,
                carriedOver,
                carriedOver ? provenanceDoc.CarriedOverFrom : null,
                string.IsNullOrWhiteSpace(provenanceDoc.UncertainPlacement) ? null : provenanceDoc.UncertainPlacement);
            benchmarks.Add(new Benchmark(id, gatewayId, pillarId, text, provenance));
        }

        foreach (var gateway in gateways.Where(g => g.Entry == GatewayEntry.Benchmarks))
        {
            if (!benchmarks.Any(b => b.GatewayId == gateway.Id))
            {
                throw Fail($"gateway '{gateway.Id}'", "a gateway entered by benchmarks has no benchmarks.");
            }
        }

        return benchmarks.ToImmutable();
    }

    private ImmutableArray<DesignationDefinition> MapDesignations(
        List<DesignationDocument>? documents,
        ImmutableArray<Gateway> gateways,
        ImmutableArray<Pillar> pillars,
        ImmutableArray<Benchmark> benchmarks)
    {
        var designations = ImmutableArray.CreateBuilder<DesignationDefinition>();
        foreach (var (doc, index) in (documents ?? []).Select((d, i) => (d, i)))
        {
            var id = Required(doc.Id, $"designation #{index + 1}", "id");
            var item = $"designation '{id}'";
            if (designations.Any(d => d.Id == id))
            {
                throw Fail(item, "duplicate designation id.");
            }

            var grants = Required(doc.GrantsGateway, item, "grantsGateway");
            var granted = gateways.FirstOrDefault(g => g.Id == grants)
                ?? throw Fail(item, $"'grantsGateway' names missing gateway '{grants}'.");
            if (granted.Entry != GatewayEntry.Designation)
            {
                throw Fail(item, $"'grantsGateway' names gateway '{grants}', which is entered by benchmarks, not by designation.");
            }

            if (doc.Criteria is null || doc.Criteria.Count == 0)
            {
                throw Fail(item, "a designation needs at least one criterion.");
            }

            var criteria = doc.Criteria
                .Select((c, i) => MapCriterion(c, $"{item} criterion #{i + 1}", gateways, pillars, benchmarks))
                .ToImmutableArray();
            designations.Add(new DesignationDefinition(
                id, Required(doc.Name, item, "name"), grants, doc.Source ?? string.Empty, criteria));
        }

        foreach (var designation in designations)
        {
            foreach (var (criterion, index) in designation.Criteria.Select((c, i) => (c, i)))
            {
                var referenced = criterion switch
                {
                    DesignationHeldCriterion held => held.DesignationIds,
                    SystemsChangeExamplesCriterion { RecordedAfterAwardOf.IsDefaultOrEmpty: false } examples => examples.RecordedAfterAwardOf,
                    _ => [],
                };
                foreach (var id in referenced)
                {
                    if (!designations.Any(d => d.Id == id))
                    {
                        throw Fail($"designation '{designation.Id}' criterion #{index + 1} ({criterion.Kind})", $"names missing designation '{id}'.");
                    }

                    if (criterion is DesignationHeldCriterion && id == designation.Id)
                    {
                        throw Fail($"designation '{designation.Id}' criterion #{index + 1} ({criterion.Kind})", "a designation cannot be its own prerequisite.");
                    }
                }
            }
        }

        foreach (var gateway in gateways.Where(g => g.Entry == GatewayEntry.Designation))
        {
            if (!designations.Any(d => d.GrantsGatewayId == gateway.Id))
            {
                throw Fail($"gateway '{gateway.Id}'", "a gateway entered by designation has no designation that grants it.");
            }
        }

        return designations.ToImmutable();
    }

    private DesignationCriterion MapCriterion(
        CriterionDocument doc,
        string item,
        ImmutableArray<Gateway> gateways,
        ImmutableArray<Pillar> pillars,
        ImmutableArray<Benchmark> benchmarks)
    {
        var kind = Required(doc.Kind, item, "kind");
        item = $"{item} ({kind})";
        var name = Required(doc.Name, item, "name");
        var description = doc.Description ?? string.Empty;
        switch (kind)
        {
            case "BenchmarksAcrossPillars":
            {
                var gatewayId = GatewayParameter(doc, item, gateways);
                var perPillar = Positive(doc.MinimumPerPillar, item, "minimumPerPillar");
                var pillarsRequired = Positive(doc.PillarsRequired, item, "pillarsRequired");
                if (pillarsRequired > pillars.Length)
                {
                    throw Fail(item, $"'pillarsRequired' is {pillarsRequired} but the framework has {pillars.Length} pillars.");
                }

                return new BenchmarksAcrossPillarsCriterion(name, description, gatewayId, perPillar, pillarsRequired);
            }

            case "GatewayBenchmarks":
            {
                var gatewayId = GatewayParameter(doc, item, gateways);
                var available = benchmarks.Count(b => b.GatewayId == gatewayId);
                if (available == 0)
                {
                    throw Fail(item, $"gateway '{gatewayId}' has no benchmarks to count.");
                }

                if (doc.Minimum is { } minimum && (minimum < 1 || minimum > available))
                {
                    throw Fail(item, $"'minimum' must be between 1 and {available} (the benchmarks of '{gatewayId}'), got {minimum}.");
                }

                return new GatewayBenchmarksCriterion(name, description, gatewayId, doc.Minimum);
            }

            case "InGateway":
            {
                var gatewayId = GatewayParameter(doc, item, gateways);
                if (gateways.First(g => g.Id == gatewayId).Entry != GatewayEntry.Benchmarks)
                {
                    throw Fail(item, $"gateway '{gatewayId}' is not entered by benchmarks.");
                }

                return new InGatewayCriterion(name, description, gatewayId);
            }

            case "SystemsChangeExamples":
                return new SystemsChangeExamplesCriterion(
                    name, description, Positive(doc.Minimum, item, "minimum"),
                    doc.RecordedAfterAwardOf is null ? [] : DesignationIds(doc.RecordedAfterAwardOf, item, "recordedAfterAwardOf"));

            case "DesignationHeld":
                if (doc.Designations is null || doc.Designations.Count == 0)
                {
                    throw Fail(item, "'designations' must list at least one designation id.");
                }

                return new DesignationHeldCriterion(
                    name, description, DesignationIds(doc.Designations, item, "designations"), doc.Standing ?? true);

            case "CoreIndicatorOutcomes":
            {
                var minimum = Positive(doc.Minimum, item, "minimum");
                if ((doc.DistinctOutcomes ?? true) && minimum > CradleToCareerOutcomes.Seven.Count)
                {
                    throw Fail(item, $"'minimum' {minimum} distinct outcomes exceeds the {CradleToCareerOutcomes.Seven.Count} outcomes.");
                }

                return new CoreIndicatorOutcomesCriterion(
                    name, description, minimum, Trends(doc.Trends, item), doc.DistinctOutcomes ?? true);
            }

            case "CoreIndicatorShare":
            {
                var percent = doc.MinimumPercent ?? throw Fail(item, "'minimumPercent' is missing.");
                if (percent <= 0 || percent > 100)
                {
                    throw Fail(item, $"'minimumPercent' must be in (0, 100], got {percent}.");
                }

                return new CoreIndicatorShareCriterion(name, description, percent, Trends(doc.Trends, item));
            }

            case "DisparityGaps":
                return new DisparityGapsCriterion(
                    name, description, Positive(doc.Minimum, item, "minimum"), Changes(doc.Changes, item),
                    doc.DistinctOutcomes ?? false);

            case "AdjacentSectorIndicators":
                return new AdjacentSectorIndicatorsCriterion(
                    name, description, Positive(doc.Minimum, item, "minimum"), Trends(doc.Trends, item));

            default:
                throw Fail(item, $"unknown criterion kind '{kind}'.");
        }
    }

    private ImmutableArray<string> DesignationIds(List<string> ids, string item, string field)
    {
        foreach (var id in ids)
        {
            // Checked against the framework's designations once they are all read (they may refer forward).
            _ = Required(id, item, field);
        }

        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    private string GatewayParameter(CriterionDocument doc, string item, ImmutableArray<Gateway> gateways)
    {
        var gatewayId = Required(doc.Gateway, item, "gateway");
        return gateways.Any(g => g.Id == gatewayId)
            ? gatewayId
            : throw Fail(item, $"names missing gateway '{gatewayId}'.");
    }

    private ImmutableArray<TrendDirection> Trends(List<string>? values, string item)
    {
        if (values is null || values.Count == 0)
        {
            throw Fail(item, "'trends' must list at least one trend.");
        }

        var trends = values.Select(v => ParseEnum<TrendDirection>(v, item, "trends")).Distinct().ToImmutableArray();
        return trends.Contains(TrendDirection.InsufficientData)
            ? throw Fail(item, "'trends' cannot contain InsufficientData: insufficient data never counts as met.")
            : trends;
    }

    private ImmutableArray<GapChange> Changes(List<string>? values, string item)
    {
        if (values is null || values.Count == 0)
        {
            throw Fail(item, "'changes' must list at least one gap change.");
        }

        var changes = values.Select(v => ParseEnum<GapChange>(v, item, "changes")).Distinct().ToImmutableArray();
        return changes.Contains(GapChange.InsufficientData)
            ? throw Fail(item, "'changes' cannot contain InsufficientData: insufficient data never counts as met.")
            : changes;
    }

    private int Positive(int? value, string item, string field) => value switch
    {
        null => throw Fail(item, $"'{field}' is missing."),
        < 1 => throw Fail(item, $"'{field}' must be at least 1, got {value}."),
        _ => value.Value,
    };

    private TEnum ParseEnum<TEnum>(string? value, string item, string field)
        where TEnum : struct, Enum
    {
        var text = Required(value, item, field);
        // Exact names only: Enum.TryParse would also accept numbers and comma-joined names.
        return Enum.GetNames<TEnum>().Contains(text, StringComparer.Ordinal)
            ? Enum.Parse<TEnum>(text)
            : throw Fail(item, $"'{field}' has unknown value '{text}' (expected one of {string.Join(", ", Enum.GetNames<TEnum>())}).");
    }

    private string Required(string? value, string item, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Fail(item, $"'{field}' is missing or empty.") : value;

    private FrameworkValidationException Fail(string item, string problem) => new(_sourceName, item, problem);
}
