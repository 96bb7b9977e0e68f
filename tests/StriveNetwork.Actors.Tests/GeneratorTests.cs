using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StriveNetwork.Actors.Generators;

namespace StriveNetwork.Actors.Tests;

public sealed class GeneratorTests
{
    [Fact]
    public void UnsupportedMethodShapes_AreReportedAsSna001()
    {
        var diagnostics = Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using StriveNetwork.Actors;
            public interface IBadGrain : IGrainWithStringKey
            {
                int Sync();
                Task<T> Generic<T>();
                Task WithRef(ref int x);
                Task TokenFirst(CancellationToken ct, int x);
                [OneWay] Task<int> OneWayWithResult();
                Task Fine(int x, CancellationToken ct);
            }
            """, out var generated);

        var errors = diagnostics.Where(d => d.Id == "SNA001").Select(d => d.GetMessage()).ToList();
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Contains("IBadGrain.Sync", StringComparison.Ordinal) && e.Contains("return type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Generic", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("WithRef", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("TokenFirst", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("OneWayWithResult", StringComparison.Ordinal));
        Assert.Contains("IBadGrain.Fine(int @x, global::System.Threading.CancellationToken @ct)", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void GrainClass_GetsConventionalTypeNameAndSubscriptions()
    {
        var diagnostics = Run("""
            using System.Threading.Tasks;
            using StriveNetwork.Actors;
            public interface IPartnershipGrain : IGrainWithStringKey { Task<int> Count(); }
            [Reentrant, ImplicitStreamSubscription("indicators")]
            public sealed class PartnershipGrain : Grain, IPartnershipGrain { public Task<int> Count() => Task.FromResult(1); }
            """, out var generated);

        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("new global::StriveNetwork.Actors.GrainClassInfo(\"partnership\"", generated, StringComparison.Ordinal);
        Assert.Contains("true, new string[] { \"indicators\" }", generated, StringComparison.Ordinal);
    }

    private static IReadOnlyList<Diagnostic> Run(string source, out string generated)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Select(a => MetadataReference.CreateFromFile(a.Location))
            .Append(MetadataReference.CreateFromFile(typeof(Grain).Assembly.Location));
        var compilation = CSharpCompilation.Create(
            "GeneratorInput",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(new GrainCodeGenerator())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        generated = string.Join("\n", driver.GetRunResult().GeneratedTrees.Select(t => t.ToString()));
        return [.. diagnostics, .. output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
    }
}
