namespace StriveNetwork.Domain.Suppression;

/// <summary>Gauss–Jordan elimination for the small 0/±1 systems of suppression relations.</summary>
internal static class LinearAlgebra
{
    private const double Tolerance = 1e-9;

    /// <summary>
    /// Columns whose unit vector lies in the row space of <paramref name="rows"/>, i.e. unknowns fixed by the
    /// equations. In reduced row echelon form that holds exactly when the column's pivot row has no other non-zero.
    /// </summary>
    public static IReadOnlyList<int> DeterminedColumns(IReadOnlyList<double[]> rows, int columns)
    {
        var m = rows.Select(r => (double[])r.Clone()).ToArray();
        var pivots = new List<(int Row, int Col)>();
        var pivotRow = 0;
        for (var col = 0; col < columns && pivotRow < m.Length; col++)
        {
            var best = pivotRow;
            for (var r = pivotRow + 1; r < m.Length; r++)
            {
                if (Math.Abs(m[r][col]) > Math.Abs(m[best][col]))
                {
                    best = r;
                }
            }

            if (Math.Abs(m[best][col]) < Tolerance)
            {
                continue;
            }

            (m[pivotRow], m[best]) = (m[best], m[pivotRow]);
            var scale = m[pivotRow][col];
            for (var c = 0; c < columns; c++)
            {
                m[pivotRow][c] /= scale;
            }

            for (var r = 0; r < m.Length; r++)
            {
                var factor = m[r][col];
                if (r != pivotRow && Math.Abs(factor) > Tolerance)
                {
                    for (var c = 0; c < columns; c++)
                    {
                        m[r][c] -= factor * m[pivotRow][c];
                    }
                }
            }

            pivots.Add((pivotRow, col));
            pivotRow++;
        }

        var determined = new List<int>();
        foreach (var (row, col) in pivots)
        {
            var alone = true;
            for (var c = 0; c < columns && alone; c++)
            {
                alone = c == col || Math.Abs(m[row][c]) < Tolerance;
            }

            if (alone)
            {
                determined.Add(col);
            }
        }

        return determined;
    }
}
