namespace DolMapper.Scoring.Tests;

public sealed class PageRankTests
{
    [Fact]
    public void Three_node_cycle_matches_the_hand_worked_solution_to_1e_minus_9()
    {
        // A→B, A→C, B→C, C→A, d = 0.85, t = 0.15/3 = 0.05:
        // rB = t + 0.425 rA; rC = t + 0.85 (rA/2 + rB) = 1.85 t + 0.78625 rA; rA = t + 0.85 rC
        // ⇒ rA (1 − 0.6683125) = 2.5725 t ⇒ rA = 0.128625 / 0.3316875.
        var result = PageRank.Compute(3, [0, 0, 1, 2], [1, 2, 2, 0], [1, 1, 1, 1]);
        var a = 0.128625 / 0.3316875;
        Assert.True(result.Converged);
        Assert.Equal(a, result.Ranks[0], 1e-9);
        Assert.Equal(0.05 + 0.425 * a, result.Ranks[1], 1e-9);
        Assert.Equal(0.0925 + 0.78625 * a, result.Ranks[2], 1e-9);
        Assert.Equal(1.0, result.Ranks.Sum(), 1e-12);
    }

    [Fact]
    public void Weighted_graph_with_dangling_nodes_and_parallel_edges_matches_a_direct_solve()
    {
        // 0→1 (2), 0→1 (1) parallel, 0→2 (1), 1→2 (5), 2→0 (1), 2→3 (3); 3 and 4 have no out-edges.
        int[] from = [0, 0, 0, 1, 2, 2];
        int[] to = [1, 1, 2, 2, 0, 3];
        double[] w = [2, 1, 1, 5, 1, 3];
        const int n = 5;
        const double d = 0.85;
        var result = PageRank.Compute(n, from, to, w, d);

        // Solve r = (1−d)/n + d·(Pᵀr + (Σ dangling r)/n) directly.
        var exact = DirectSolve(n, from, to, w, d, [.. Enumerable.Repeat(1.0 / n, n)]);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(exact[i], result.Ranks[i], 1e-9);
        }
        Assert.True(result.Ranks[2] > result.Ranks[4], "node 2 is pointed to by two nodes");
    }

    [Fact]
    public void A_personalised_PageRank_matches_a_direct_solve_with_the_jumps_going_by_the_weights()
    {
        // Same graph as above; jumps and dangling mass go to nodes by weights p = (0, 3, 0, 1, 0) / 4.
        int[] from = [0, 0, 0, 1, 2, 2];
        int[] to = [1, 1, 2, 2, 0, 3];
        double[] w = [2, 1, 1, 5, 1, 3];
        double[] personal = [0, 3, 0, 1, 0];
        const int n = 5;
        const double d = 0.85;
        var result = PageRank.Compute(n, from, to, w, d, personalisation: personal);

        var exact = DirectSolve(n, from, to, w, d, [.. personal.Select(x => x / 4)]);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(exact[i], result.Ranks[i], 1e-9);
        }
        Assert.Equal(0, result.Ranks[4], 12); // nobody points to node 4 and no jump lands there
        Assert.Throws<ArgumentException>(() => PageRank.Compute(n, from, to, w, personalisation: new double[n]));
        Assert.Throws<ArgumentException>(() => PageRank.Compute(n, from, to, w, personalisation: new double[3]));
    }

    [Fact]
    public void Converges_on_the_absolute_L1_change_not_on_N_times_the_tolerance()
    {
        // A long chain converges slowly; stopping at N·tol would stop after very few iterations.
        const int n = 20_000;
        var from = Enumerable.Range(0, n - 1).ToArray();
        var to = Enumerable.Range(1, n - 1).ToArray();
        var w = Enumerable.Repeat(1.0, n - 1).ToArray();
        var result = PageRank.Compute(n, from, to, w, tolerance: 1e-10);
        Assert.True(result.Converged);
        Assert.True(result.L1Change < 1e-10);
        Assert.True(result.Iterations > 20, $"{result.Iterations} iterations");
    }

    [Fact]
    public void Rejects_bad_edges()
    {
        Assert.Throws<ArgumentException>(() => PageRank.Compute(2, [0], [1], [0.0]));
        Assert.Throws<ArgumentException>(() => PageRank.Compute(2, [0], [1], [1.0, 2.0]));
        Assert.Empty(PageRank.Compute(0, [], [], []).Ranks);
    }

    /// <summary>
    /// r = (1−d)·p + d·(Pᵀr + (Σ dangling r)·p) solved directly: (I − d·M) r = (1−d)·p, where
    /// M[v,u] = w(u,v)/out(u) for u with out-edges and p[v] for dangling u.
    /// </summary>
    private static double[] DirectSolve(int n, int[] from, int[] to, double[] w, double d, double[] p)
    {
        var outWeight = new double[n];
        for (var e = 0; e < from.Length; e++)
        {
            outWeight[from[e]] += w[e];
        }
        var m = new double[n, n];
        for (var e = 0; e < from.Length; e++)
        {
            m[to[e], from[e]] += w[e] / outWeight[from[e]];
        }
        for (var u = 0; u < n; u++)
        {
            if (outWeight[u] == 0)
            {
                for (var v = 0; v < n; v++)
                {
                    m[v, u] += p[v];
                }
            }
        }
        var a = new double[n, n + 1];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                a[i, j] = (i == j ? 1 : 0) - d * m[i, j];
            }
            a[i, n] = (1 - d) * p[i];
        }
        return Solve(a, n);
    }

    private static double[] Solve(double[,] a, int n)
    {
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }
            for (var k = 0; k <= n; k++)
            {
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            }
            for (var row = 0; row < n; row++)
            {
                if (row == col)
                {
                    continue;
                }
                var factor = a[row, col] / a[col, col];
                for (var k = col; k <= n; k++)
                {
                    a[row, k] -= factor * a[col, k];
                }
            }
        }
        return [.. Enumerable.Range(0, n).Select(i => a[i, n] / a[i, i])];
    }
}
