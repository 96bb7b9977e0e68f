using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Suppression;

public sealed class LinearAlgebraTests
{
    [Fact]
    public void OneEquationWithTwoUnknowns_DeterminesNothing() =>
        Assert.Empty(LinearAlgebra.DeterminedColumns([[1, 1]], 2));

    [Fact]
    public void ChainOfSubtractions_DeterminesEveryLink()
    {
        // x + y = a (shown), y − z = b, z = c  →  z, then y, then x are all fixed.
        var determined = LinearAlgebra.DeterminedColumns([[1, 1, 0], [0, 1, -1], [0, 0, 1]], 3);

        Assert.Equal([0, 1, 2], determined.Order());
    }

    [Fact]
    public void TwoByTwoBlock_IsSafe()
    {
        // Classic complementary pattern: rows x1 + x2 = r1, x3 + x4 = r2; columns x1 + x3 = c1, x2 + x4 = c2.
        var determined = LinearAlgebra.DeterminedColumns([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]], 4);

        Assert.Empty(determined);
    }

    [Fact]
    public void ChainAcrossSeveralRelations_IsDetermined()
    {
        // a + b = k1, a + c = k2, b + c + e = k3, d − e = k4, d = k5. No single relation has one unknown after the
        // first step, yet: e = k5 − k4, b + c = k3 − e, and 2a = k1 + k2 − (b + c), so every unknown is fixed.
        var determined = LinearAlgebra.DeterminedColumns(
            [[1, 1, 0, 0, 0], [1, 0, 1, 0, 0], [0, 1, 1, 0, 1], [0, 0, 0, 1, -1], [0, 0, 0, 1, 0]], 5);

        Assert.Equal([0, 1, 2, 3, 4], determined.Order());
    }
}
