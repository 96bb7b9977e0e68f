using System.Runtime.InteropServices;
using Google.OrTools.LinearSolver;
using Google.OrTools.Sat;

namespace StriveNetwork.Domain.Tests.Suppression;

/// <summary>The disclosure audit needs OR-Tools' native library; these fail loudly if it does not load here.</summary>
public sealed class SolverRuntimeTests
{
    [Fact]
    public void Glop_LoadsAndSolvesALinearProgram()
    {
        using var solver = Solver.CreateSolver("GLOP");
        Assert.NotNull(solver);
        var x = solver.MakeNumVar(0, 9, "x");
        var y = solver.MakeNumVar(0, 5, "y");
        var sum = solver.MakeConstraint(9, 9, "x + y = 9");
        sum.SetCoefficient(x, 1);
        sum.SetCoefficient(y, 1);
        solver.Objective().SetCoefficient(x, 1);
        solver.Objective().SetMinimization();

        Assert.Equal(Solver.ResultStatus.OPTIMAL, solver.Solve());
        Assert.Equal(4, x.SolutionValue(), 6);
        Assert.Contains(RuntimeInformation.RuntimeIdentifier, new[] { "linux-x64", "linux-arm64", "osx-x64", "osx-arm64", "win-x64" });
    }

    [Fact]
    public void CpSat_LoadsAndSolvesAnIntegerProgram()
    {
        // 2x = 2y + 1 has no integer solution although its linear relaxation has many.
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        var y = model.NewIntVar(0, 10, "y");
        model.Add(2 * x == (2 * y) + 1);
        var solver = new CpSolver { StringParameters = "num_workers:1" };

        Assert.Equal(CpSolverStatus.Infeasible, solver.Solve(model));
    }
}
