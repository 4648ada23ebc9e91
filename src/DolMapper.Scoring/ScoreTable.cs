namespace DolMapper.Scoring;

/// <summary>
/// One run's numbers for n persons: for each question the value its percentile is taken from
/// (<see cref="Ranked"/>) and the raw measure shown beside it (<see cref="Raw"/>, usually the same).
/// <see cref="Compute"/> normalises, scores, ranks and tiers them (docs/scoring.md).
/// </summary>
public sealed class ScoreTable
{
    /// <summary>Creates a table for <paramref name="count"/> persons.</summary>
    public ScoreTable(int count)
    {
        Count = count;
        Ranked = new double[Questions.Count][];
        Raw = new double[Questions.Count][];
        for (var q = 0; q < Questions.Count; q++)
        {
            Ranked[q] = new double[count];
            Raw[q] = new double[count];
        }
    }

    /// <summary>Persons in the table.</summary>
    public int Count { get; }

    /// <summary>Per question, per person: the value normalised by percentile rank (0 = no evidence).</summary>
    public double[][] Ranked { get; }

    /// <summary>Per question, per person: the raw measure reported as <c>K_raw</c>.</summary>
    public double[][] Raw { get; }

    /// <summary>Sets both the ranked and the raw value of question <paramref name="q"/> for person <paramref name="i"/>.</summary>
    public void Set(int q, int i, double value)
    {
        Ranked[q][i] = value;
        Raw[q][i] = value;
    }

    /// <summary>
    /// Normalises every question, computes the DOL score and contributions under
    /// <paramref name="weights"/>, and ranks (score descending, then <paramref name="tieBreak"/> ascending).
    /// </summary>
    public ScoreResult Compute(Weights weights, IReadOnlyList<long> tieBreak)
    {
        if (tieBreak.Count != Count)
        {
            throw new ArgumentException("One tie-break key per person.", nameof(tieBreak));
        }
        var signals = new double[Questions.Count][];
        for (var q = 0; q < Questions.Count; q++)
        {
            signals[q] = new double[Count];
            PercentileRank.Normalise(Ranked[q], signals[q]);
        }
        return Score(signals, weights, tieBreak);
    }

    /// <summary>Scores already-normalised signals (the live preview of stored signals uses this too).</summary>
    public static ScoreResult Score(double[][] signals, Weights weights, IReadOnlyList<long> tieBreak)
    {
        var count = tieBreak.Count;
        var scores = new double[count];
        var contributions = new double[count][];
        Span<double> row = stackalloc double[Questions.Count];
        Span<double> parts = stackalloc double[Questions.Count];
        for (var i = 0; i < count; i++)
        {
            for (var q = 0; q < Questions.Count; q++)
            {
                row[q] = signals[q][i];
            }
            scores[i] = DolScore.Compute(weights, row, parts);
            contributions[i] = parts.ToArray();
        }
        var order = Enumerable.Range(0, count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var bySore = scores[b].CompareTo(scores[a]);
            return bySore != 0 ? bySore : tieBreak[a].CompareTo(tieBreak[b]);
        });
        var ranks = new int[count];
        var tiers = new string[count];
        for (var r = 0; r < count; r++)
        {
            ranks[order[r]] = r + 1;
            tiers[order[r]] = Tiers.For(r + 1, count);
        }
        return new ScoreResult(signals, scores, contributions, ranks, tiers);
    }
}

/// <summary>The normalised signals, scores, contributions, ranks and tiers of a <see cref="ScoreTable"/>.</summary>
/// <param name="Signals">Per question, per person, in [0, 1].</param>
/// <param name="Scores">Per person, in [0, 100].</param>
/// <param name="Contributions">Per person, the ten contributions in score points.</param>
/// <param name="Ranks">Per person, 1-based.</param>
/// <param name="Tiers">Per person.</param>
public sealed record ScoreResult(double[][] Signals, double[] Scores, double[][] Contributions, int[] Ranks, string[] Tiers);
