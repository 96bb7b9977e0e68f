using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Tests.Progress;

/// <summary>Builds assessment histories for tests.</summary>
internal static class Partnerships
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static TheoryOfActionFramework FiveGateway => FrameworkCatalog.Embedded.Get(FrameworkCatalog.FiveGatewayId);

    public static TheoryOfActionFramework SixGateway => FrameworkCatalog.Embedded.Get(FrameworkCatalog.SixGatewayId);

    /// <summary>A history in which exactly the given benchmarks are met.</summary>
    public static AssessmentHistory Meeting(TheoryOfActionFramework framework, IEnumerable<string> benchmarkIds) =>
        AssessmentHistory.Create(
            framework,
            benchmarkIds.Select(id => new BenchmarkAssessment(id, BenchmarkStatus.Met, Today, "reviewer")),
            Today);

    /// <summary>Every benchmark of the given gateways.</summary>
    public static IEnumerable<string> AllOf(TheoryOfActionFramework framework, params string[] gatewayIds) =>
        gatewayIds.SelectMany(g => framework.BenchmarksIn(g)).Select(b => b.Id);

    /// <summary>Every benchmark of Exploring, Emerging and Sustaining.</summary>
    public static IEnumerable<string> ThroughSustaining(TheoryOfActionFramework framework) =>
        AllOf(framework, "exploring", "emerging", "sustaining");
}
