using System.Collections.Immutable;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Progress;

/// <summary>
/// Gateway placement by benchmarks. A partnership is in gateway G when every benchmark of every earlier gateway is
/// met; Exploring is the entry. Only gateways entered by benchmarks take part, so placement stops at Systems Change:
/// Proof Point and Systems Transformation are reached through designations, never by benchmarks alone.
/// </summary>
public static class GatewayRules
{
    /// <summary>Places a partnership from the latest assessments of its history.</summary>
    public static GatewayPlacement Place(AssessmentHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Place(history.Framework, history.MetBenchmarkIds());
    }

    /// <summary>Places a partnership from the ids of the benchmarks it has met (unknown ids are ignored).</summary>
    public static GatewayPlacement Place(TheoryOfActionFramework framework, IReadOnlySet<string> metBenchmarkIds)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(metBenchmarkIds);

        var progress = framework.Gateways.Select(g => Progress(framework, g, metBenchmarkIds)).ToImmutableArray();
        var benchmarkGateways = progress.Where(p => p.Gateway.Entry == GatewayEntry.Benchmarks).ToList();

        var currentIndex = 0;
        while (currentIndex + 1 < benchmarkGateways.Count && benchmarkGateways[currentIndex].Complete)
        {
            currentIndex++;
        }

        var current = benchmarkGateways[currentIndex];
        var next = framework.Gateways.FirstOrDefault(g => g.Order > current.Gateway.Order);
        var nextByDesignation = next?.Entry == GatewayEntry.Designation;
        IReadOnlyList<string> missing = next is null || nextByDesignation
            ? ImmutableArray<string>.Empty
            : current.Pillars.SelectMany(p => p.NotMet).ToImmutableArray();

        return new GatewayPlacement(
            framework.Id, current.Gateway, next, nextByDesignation, missing, progress,
            Explain(framework, current, next, nextByDesignation, missing));
    }

    private static GatewayProgress Progress(TheoryOfActionFramework framework, Gateway gateway, IReadOnlySet<string> met)
    {
        var required = framework.RequiredBenchmarksIn(gateway.Id).ToList();
        var pillars = framework.Pillars
            .Select(p => new PillarProgress(
                p,
                required.Where(b => b.PillarId == p.Id && met.Contains(b.Id)).Select(b => b.Id).ToImmutableArray(),
                required.Where(b => b.PillarId == p.Id && !met.Contains(b.Id)).Select(b => b.Id).ToImmutableArray()))
            .ToImmutableArray();
        var metCount = pillars.Sum(p => p.Met.Count);
        return new GatewayProgress(gateway, metCount, required.Count, metCount == required.Count, pillars);
    }

    private static string Explain(
        TheoryOfActionFramework framework,
        GatewayProgress current,
        Gateway? next,
        bool nextByDesignation,
        IReadOnlyList<string> missing)
    {
        var earlier = framework.Gateways
            .Where(g => g.Entry == GatewayEntry.Benchmarks && g.Order < current.Gateway.Order)
            .Select(g => g.Name)
            .ToList();
        var why = earlier.Count == 0
            ? $"{current.Gateway.Name} is the entry gateway."
            : $"Every benchmark of {string.Join(", ", earlier)} is met.";
        var status = $"{current.Met} of {current.Required} {current.Gateway.Name} benchmarks met.";
        if (next is null)
        {
            return $"In {current.Gateway.Name}: {why} {status} {current.Gateway.Name} is the last gateway.";
        }

        if (nextByDesignation)
        {
            var designations = framework.Designations.Definitions
                .Where(d => d.GrantsGatewayId == next.Id)
                .Select(d => d.Name);
            return $"In {current.Gateway.Name}: {why} {status} {next.Name} is reached only through a designation " +
                   $"({string.Join(", ", designations)}), never by benchmarks alone.";
        }

        var byPillar = current.Pillars
            .Where(p => p.NotMet.Count > 0)
            .Select(p => $"{p.Pillar.Name}: {string.Join(", ", p.NotMet)}");
        return $"In {current.Gateway.Name}: {why} {status} For {next.Name}, {missing.Count} benchmark(s) still to meet " +
               $"({string.Join("; ", byPillar)}).";
    }
}
