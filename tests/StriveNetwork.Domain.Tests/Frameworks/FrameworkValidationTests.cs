using System.Text;
using System.Text.Json.Nodes;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Tests.Frameworks;

public sealed class FrameworkValidationTests
{
    // Two benchmark gateways, one designation gateway, two pillars: the smallest file every rule can act on.
    private const string ValidJson = """
        {
          "id": "tiny", "name": "Tiny framework", "version": "1", "source": "test",
          "gateways": [
            { "id": "exploring", "name": "Exploring", "order": 1, "stage": "Exploring", "entry": "Benchmarks" },
            { "id": "systems-change", "name": "Systems Change", "order": 2, "stage": "SystemsChange", "entry": "Benchmarks" },
            { "id": "proof-point", "name": "Proof Point", "order": 3, "stage": "ProofPoint", "entry": "Designation" }
          ],
          "pillars": [ { "id": "SCV", "name": "Shared Community Vision" }, { "id": "CA", "name": "Collaborative Action" } ],
          "principles": [ { "id": "engage", "name": "Engage", "text": "Engage the community." } ],
          "benchmarks": [
            { "id": "T-EXP-SCV-1", "gateway": "exploring", "pillar": "SCV", "text": "Vision.", "provenance": { "seed": "x" } },
            { "id": "T-SC-CA-1", "gateway": "systems-change", "pillar": "CA", "text": "Action.", "provenance": { "seed": "x" } }
          ],
          "designations": [
            { "id": "proof-point", "name": "Proof Point", "grantsGateway": "proof-point", "criteria": [
              { "kind": "BenchmarksAcrossPillars", "name": "(a)", "gateway": "systems-change", "minimumPerPillar": 1, "pillarsRequired": 2 },
              { "kind": "CoreIndicatorOutcomes", "name": "(b)", "minimum": 4, "trends": ["Improved", "Maintained"] }
            ] }
          ]
        }
        """;

    [Fact]
    public void Load_ValidMinimalFile_Succeeds()
    {
        var framework = Load(ValidJson);

        Assert.Equal("tiny", framework.Id);
        Assert.Equal(2, framework.Benchmarks.Length);
        Assert.True(framework.Placement.CountCarriedOverBenchmarks);
        Assert.Equal(2, framework.Designations.Definitions[0].Criteria.Length);
    }

    [Fact]
    public void Load_GatewaysOutOfFileOrder_AreSortedByOrder()
    {
        var framework = Load(Mutate(doc =>
        {
            var gateways = doc["gateways"]!.AsArray();
            var first = gateways[0]!;
            gateways.RemoveAt(0);
            gateways.Add(first);
        }));

        Assert.Equal(["exploring", "systems-change", "proof-point"], framework.Gateways.Select(g => g.Id));
    }

    [Fact]
    public void Load_DuplicateBenchmarkId_NamesFileBenchmarkAndProblem()
    {
        var ex = Fails(doc => doc["benchmarks"]![1]!["id"] = "T-EXP-SCV-1");

        Assert.Equal("tiny.json", ex.SourceName);
        Assert.Equal("benchmark 'T-EXP-SCV-1'", ex.Item);
        Assert.Contains("duplicate benchmark id", ex.Problem, StringComparison.Ordinal);
        Assert.StartsWith("tiny.json: benchmark 'T-EXP-SCV-1': duplicate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownPillar_Fails()
    {
        var ex = Fails(doc => doc["benchmarks"]![0]!["pillar"] = "XYZ");

        Assert.Equal("benchmark 'T-EXP-SCV-1'", ex.Item);
        Assert.Contains("unknown pillar 'XYZ'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownGateway_Fails()
    {
        var ex = Fails(doc => doc["benchmarks"]![1]!["gateway"] = "sustaining");

        Assert.Equal("benchmark 'T-SC-CA-1'", ex.Item);
        Assert.Contains("unknown gateway 'sustaining'", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Load_EmptyBenchmarkText_Fails(string text)
    {
        var ex = Fails(doc => doc["benchmarks"]![0]!["text"] = text);

        Assert.Equal("benchmark 'T-EXP-SCV-1'", ex.Item);
        Assert.Contains("'text' is missing or empty", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingBenchmarkId_NamesItsPosition()
    {
        var ex = Fails(doc => doc["benchmarks"]![1]!.AsObject().Remove("id"));

        Assert.Equal("benchmark #2", ex.Item);
    }

    [Fact]
    public void Load_DesignationGrantingMissingGateway_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["grantsGateway"] = "systems-transformation");

        Assert.Equal("designation 'proof-point'", ex.Item);
        Assert.Contains("missing gateway 'systems-transformation'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DesignationGrantingBenchmarkGateway_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["grantsGateway"] = "systems-change");

        Assert.Contains("entered by benchmarks, not by designation", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CriterionNamingMissingGateway_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![0]!["gateway"] = "nowhere");

        Assert.Equal("designation 'proof-point' criterion #1 (BenchmarksAcrossPillars)", ex.Item);
        Assert.Contains("missing gateway 'nowhere'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DesignationHeldNamingMissingDesignation_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]!.AsArray().Add(JsonNode.Parse(
            """{ "kind": "DesignationHeld", "name": "(p)", "designations": ["gold-star"], "standing": true }""")));

        Assert.Equal("designation 'proof-point' criterion #3 (DesignationHeld)", ex.Item);
        Assert.Contains("missing designation 'gold-star'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DesignationAsItsOwnPrerequisite_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]!.AsArray().Add(JsonNode.Parse(
            """{ "kind": "DesignationHeld", "name": "(p)", "designations": ["proof-point"] }""")));

        Assert.Contains("cannot be its own prerequisite", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExamplesAfterAnUnknownAward_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]!.AsArray().Add(JsonNode.Parse(
            """{ "kind": "SystemsChangeExamples", "name": "(e)", "minimum": 1, "recordedAfterAwardOf": ["gold-star"] }""")));

        Assert.Contains("missing designation 'gold-star'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Prerequisites_AreReadWithTheirParameters()
    {
        var framework = Load(Mutate(doc =>
        {
            doc["rulesRevision"] = 3;
            var criteria = doc["designations"]![0]!["criteria"]!.AsArray();
            criteria.Insert(0, JsonNode.Parse("""{ "kind": "InGateway", "name": "(p)", "gateway": "systems-change" }"""));
        }));

        var criterion = framework.Designations.Definitions[0].Criteria[0];
        Assert.Equal(CriterionKind.InGateway, criterion.Kind);
        Assert.True(criterion.IsPrerequisite);
        Assert.False(framework.Designations.Definitions[0].Criteria[1].IsPrerequisite);
        Assert.Equal(3, framework.RulesRevision);
        Assert.Equal(1, Load(ValidJson).RulesRevision);
    }

    [Fact]
    public void Load_UnknownCriterionKind_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1]!["kind"] = "Vibes");

        Assert.Contains("unknown criterion kind 'Vibes'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DesignationWithoutCriteria_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"] = new JsonArray());

        Assert.Contains("at least one criterion", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DesignationGatewayWithoutDesignation_Fails()
    {
        var ex = Fails(doc => doc["designations"] = new JsonArray());

        Assert.Equal("gateway 'proof-point'", ex.Item);
        Assert.Contains("no designation that grants it", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PillarsRequiredAboveThePillarCount_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![0]!["pillarsRequired"] = 3);

        Assert.Contains("'pillarsRequired' is 3 but the framework has 2 pillars", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZeroMinimum_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1]!["minimum"] = 0);

        Assert.Contains("'minimum' must be at least 1, got 0", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MoreDistinctOutcomesThanSeven_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1]!["minimum"] = 8);

        Assert.Contains("exceeds the 7 outcomes", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InsufficientDataAsAcceptedTrend_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1]!["trends"] = new JsonArray("Improved", "InsufficientData"));

        Assert.Contains("insufficient data never counts as met", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Improving")]
    [InlineData("1")]
    [InlineData("Improved, Maintained")]
    public void Load_UnknownTrendName_Fails(string trend)
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1]!["trends"] = new JsonArray(trend));

        Assert.Contains($"unknown value '{trend}'", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InsufficientDataAsAcceptedGapChange_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]!.AsArray().Add(new JsonObject
        {
            ["kind"] = "DisparityGaps", ["name"] = "(c)", ["minimum"] = 2, ["changes"] = new JsonArray("Reduced", "InsufficientData"),
        }));

        Assert.Equal("designation 'proof-point' criterion #3 (DisparityGaps)", ex.Item);
        Assert.Contains("never counts as met", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Load_ShareOutsideZeroToHundred_Fails(int percent)
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1] = new JsonObject
        {
            ["kind"] = "CoreIndicatorShare", ["name"] = "share", ["minimumPercent"] = percent, ["trends"] = new JsonArray("Improved"),
        });

        Assert.Contains("'minimumPercent' must be in (0, 100]", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ThresholdAboveTheGatewayBenchmarkCount_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1] = new JsonObject
        {
            ["kind"] = "GatewayBenchmarks", ["name"] = "threshold", ["gateway"] = "systems-change", ["minimum"] = 2,
        });

        Assert.Contains("'minimum' must be between 1 and 1", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InGatewayOnADesignationGateway_Fails()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![1] = new JsonObject
        {
            ["kind"] = "InGateway", ["name"] = "in", ["gateway"] = "proof-point",
        });

        Assert.Contains("is not entered by benchmarks", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateGatewayId_Fails()
    {
        var ex = Fails(doc => doc["gateways"]![1]!["id"] = "exploring");

        Assert.Equal("gateway 'exploring'", ex.Item);
        Assert.Contains("duplicate gateway id", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateGatewayOrder_Fails()
    {
        var ex = Fails(doc => doc["gateways"]![1]!["order"] = 1);

        Assert.Contains("duplicate gateway order 1", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownStage_ListsTheKnownStages()
    {
        var ex = Fails(doc => doc["gateways"]![1]!["stage"] = "Thriving");

        Assert.Contains("'stage' has unknown value 'Thriving'", ex.Problem, StringComparison.Ordinal);
        Assert.Contains("SystemsTransformation", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StagesOutOfOrder_Fails()
    {
        var ex = Fails(doc =>
        {
            doc["gateways"]![0]!["stage"] = "SystemsChange";
            doc["gateways"]![1]!["stage"] = "Exploring";
        });

        Assert.Contains("out of order", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FirstGatewayByDesignation_Fails()
    {
        var ex = Fails(doc => doc["gateways"]![0]!["entry"] = "Designation");

        Assert.Equal("gateway 'exploring'", ex.Item);
        Assert.Contains("entry gateway", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BenchmarkGatewayAfterDesignationGateway_Fails()
    {
        var ex = Fails(doc => doc["gateways"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "beyond", ["name"] = "Beyond", ["order"] = 4, ["stage"] = "SystemsTransformation", ["entry"] = "Benchmarks",
        }));

        Assert.Equal("gateway 'beyond'", ex.Item);
        Assert.Contains("cannot follow a gateway entered by designation", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BenchmarkGatewayWithoutBenchmarks_Fails()
    {
        var ex = Fails(doc => doc["benchmarks"]![1]!["gateway"] = "exploring");

        Assert.Equal("gateway 'systems-change'", ex.Item);
        Assert.Contains("has no benchmarks", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicatePillar_Fails()
    {
        var ex = Fails(doc => doc["pillars"]![1]!["id"] = "SCV");

        Assert.Equal("pillar 'SCV'", ex.Item);
    }

    [Fact]
    public void Load_NoPillars_Fails()
    {
        var ex = Fails(doc => doc["pillars"] = new JsonArray());

        Assert.Equal("pillars", ex.Item);
    }

    [Fact]
    public void Load_PrincipleWithoutText_Fails()
    {
        var ex = Fails(doc => doc["principles"]![0]!["text"] = "");

        Assert.Equal("principle 'engage'", ex.Item);
    }

    [Fact]
    public void Load_CarriedOverWithoutSource_Fails()
    {
        var ex = Fails(doc => doc["benchmarks"]![0]!["provenance"]!["carriedOver"] = true);

        Assert.Contains("'carriedOverFrom' names no source benchmark", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SourceWithoutCarriedOverFlag_Fails()
    {
        var ex = Fails(doc => doc["benchmarks"]![0]!["provenance"]!["carriedOverFrom"] = "5G-EXP-IS-1");

        Assert.Contains("'carriedOver' is not true", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingProvenance_Fails()
    {
        var ex = Fails(doc => doc["benchmarks"]![0]!.AsObject().Remove("provenance"));

        Assert.Contains("'provenance' is missing", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MisspelledField_IsRejectedNotIgnored()
    {
        var ex = Fails(doc => doc["designations"]![0]!["criteria"]![0]!["minimumPerPilar"] = 2);

        Assert.Equal("document", ex.Item);
        Assert.Contains("minimumPerPilar", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_Fails()
    {
        var ex = Assert.Throws<FrameworkValidationException>(() => Load("{ \"id\": "));

        Assert.Equal("document", ex.Item);
        Assert.Contains("invalid JSON", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NullDocument_Fails()
    {
        var ex = Assert.Throws<FrameworkValidationException>(() => Load("null"));

        Assert.Contains("empty", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_NamesTheFileInErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"framework-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Mutate(doc => doc["benchmarks"]![0]!["pillar"] = "XYZ"));
        try
        {
            var ex = Assert.Throws<FrameworkValidationException>(() => FrameworkCatalog.LoadFile(path));

            Assert.Equal(Path.GetFileName(path), ex.SourceName);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_ValidFile_Loads()
    {
        var path = Path.Combine(Path.GetTempPath(), $"framework-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, ValidJson);
        try
        {
            Assert.Equal("tiny", FrameworkCatalog.LoadFile(path).Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static TheoryOfActionFramework Load(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return FrameworkCatalog.Load(stream, "tiny.json");
    }

    private static string Mutate(Action<JsonNode> change)
    {
        var doc = JsonNode.Parse(ValidJson)!;
        change(doc);
        return doc.ToJsonString();
    }

    private static FrameworkValidationException Fails(Action<JsonNode> change) =>
        Assert.Throws<FrameworkValidationException>(() => Load(Mutate(change)));
}
