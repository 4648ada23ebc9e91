namespace DolMapper.Scoring;

/// <summary>The outcome of <see cref="PageRank.Compute"/>.</summary>
/// <param name="Ranks">One value per node; they sum to 1.</param>
/// <param name="Iterations">Power iterations run.</param>
/// <param name="L1Change">The absolute L1 change of the last iteration.</param>
/// <param name="Converged">True when <paramref name="L1Change"/> fell below the tolerance.</param>
public sealed record PageRankResult(double[] Ranks, int Iterations, double L1Change, bool Converged);

/// <summary>
/// Weighted PageRank by power iteration on compressed sparse rows (docs/scoring.md, Q3): damping
/// d, uniform teleport, the rank of nodes without out-edges spread uniformly, and iteration until
/// the absolute L1 change Σ|r′ − r| is below the tolerance. (networkx stops when that change is
/// below N·tol, which on a large graph is after one iteration; this does not.)
/// </summary>
public static class PageRank
{
    /// <summary>
    /// Ranks <paramref name="nodeCount"/> nodes given edges <c>from[i] → to[i]</c> with positive
    /// <paramref name="weight"/>s. Parallel edges add up; self-loops count like any edge. With
    /// <paramref name="personalisation"/> (one non-negative weight per node, not all zero) the random
    /// jumps, and the rank of nodes without out-edges, go to nodes in proportion to it instead of
    /// uniformly: a PageRank personalised towards those nodes.
    /// </summary>
    public static PageRankResult Compute(
        int nodeCount, ReadOnlySpan<int> from, ReadOnlySpan<int> to, ReadOnlySpan<double> weight,
        double damping = 0.85, double tolerance = 1e-10, int maxIterations = 1000, ReadOnlySpan<double> personalisation = default)
    {
        if (from.Length != to.Length || from.Length != weight.Length)
        {
            throw new ArgumentException("Edge arrays must have the same length.");
        }
        if (damping is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(damping), "Damping lies strictly between 0 and 1.");
        }
        if (nodeCount == 0)
        {
            return new PageRankResult([], 0, 0, true);
        }
        double[]? jump = null;
        if (!personalisation.IsEmpty)
        {
            if (personalisation.Length != nodeCount)
            {
                throw new ArgumentException("The personalisation needs one weight per node.", nameof(personalisation));
            }
            double total = 0;
            foreach (var v in personalisation)
            {
                if (!(v >= 0) || double.IsInfinity(v))
                {
                    throw new ArgumentException("Personalisation weights must be non-negative and finite.", nameof(personalisation));
                }
                total += v;
            }
            if (total <= 0)
            {
                throw new ArgumentException("Personalisation weights must not all be zero.", nameof(personalisation));
            }
            jump = new double[nodeCount];
            for (var v = 0; v < nodeCount; v++)
            {
                jump[v] = personalisation[v] / total;
            }
        }

        // Out-weights, then in-edges grouped by target (CSR), each carrying w(u,v) / out(u), so one
        // iteration is a sequential pass over the edges pulling from the previous ranks.
        var outWeight = new double[nodeCount];
        var inCount = new int[nodeCount + 1];
        for (var e = 0; e < from.Length; e++)
        {
            if (!(weight[e] > 0) || double.IsInfinity(weight[e]))
            {
                throw new ArgumentException($"Edge {e} has weight {weight[e]}; weights must be positive and finite.", nameof(weight));
            }
            outWeight[from[e]] += weight[e];
            inCount[to[e] + 1]++;
        }
        var offsets = inCount;
        for (var v = 0; v < nodeCount; v++)
        {
            offsets[v + 1] += offsets[v];
        }
        var sources = new int[from.Length];
        var share = new double[from.Length];
        var cursor = new int[nodeCount];
        Array.Copy(offsets, cursor, nodeCount);
        for (var e = 0; e < from.Length; e++)
        {
            var slot = cursor[to[e]]++;
            sources[slot] = from[e];
            share[slot] = weight[e] / outWeight[from[e]];
        }
        var dangling = new List<int>();
        for (var u = 0; u < nodeCount; u++)
        {
            if (outWeight[u] == 0)
            {
                dangling.Add(u);
            }
        }

        var rank = new double[nodeCount];
        var next = new double[nodeCount];
        Array.Fill(rank, 1.0 / nodeCount);
        var partitions = Math.Max(1, Math.Min(Environment.ProcessorCount, nodeCount / 50_000));
        var partialChange = new double[partitions];
        double change = double.PositiveInfinity;
        var iterations = 0;
        while (iterations < maxIterations)
        {
            iterations++;
            double danglingMass = 0;
            foreach (var u in dangling)
            {
                danglingMass += rank[u];
            }
            // Mass that jumps: (1 − d) of all, and d of what sits on nodes without out-edges.
            var jumping = (1 - damping) + damping * danglingMass;
            var teleport = jumping / nodeCount;
            var current = rank;
            var result = next;
            if (partitions == 1)
            {
                partialChange[0] = Step(0, nodeCount, offsets, sources, share, current, result, teleport, jump, jumping, damping);
            }
            else
            {
                Parallel.For(0, partitions, p =>
                {
                    var start = (int)((long)nodeCount * p / partitions);
                    var end = (int)((long)nodeCount * (p + 1) / partitions);
                    partialChange[p] = Step(start, end, offsets, sources, share, current, result, teleport, jump, jumping, damping);
                });
            }
            change = 0;
            foreach (var c in partialChange)
            {
                change += c;
            }
            (rank, next) = (next, rank);
            if (change < tolerance)
            {
                return new PageRankResult(rank, iterations, change, true);
            }
        }
        return new PageRankResult(rank, iterations, change, false);
    }

    private static double Step(int start, int end, int[] offsets, int[] sources, double[] share, double[] rank, double[] next, double teleport, double[]? jump, double jumping, double damping)
    {
        double change = 0;
        for (var v = start; v < end; v++)
        {
            double pulled = 0;
            for (var k = offsets[v]; k < offsets[v + 1]; k++)
            {
                pulled += rank[sources[k]] * share[k];
            }
            var value = (jump is null ? teleport : jumping * jump[v]) + damping * pulled;
            change += Math.Abs(value - rank[v]);
            next[v] = value;
        }
        return change;
    }
}
