namespace DolMapper.Scoring;

/// <summary>Tiers from the rank (docs/scoring.md): top 1%, 5%, 20%, else "—"; each tier holds at least one person when there are enough.</summary>
public static class Tiers
{
    /// <summary>The tier labels, best first, and the label for everyone else.</summary>
    public const string Top1 = "1%";
    /// <summary>Top 5%.</summary>
    public const string Top5 = "5%";
    /// <summary>Top 20%.</summary>
    public const string Top20 = "20%";
    /// <summary>Below the top 20%.</summary>
    public const string None = "—";

    /// <summary>All labels, best first.</summary>
    public static IReadOnlyList<string> All { get; } = [Top1, Top5, Top20, None];

    /// <summary>The tier of the person ranked <paramref name="rank"/> (1-based) among <paramref name="count"/>.</summary>
    public static string For(int rank, int count)
    {
        if (rank < 1 || rank > count)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), $"Rank {rank} is outside 1..{count}.");
        }
        var (c1, c5, c20) = Cuts(count);
        return rank <= c1 ? Top1 : rank <= c5 ? Top5 : rank <= c20 ? Top20 : None;
    }

    /// <summary>The last rank in each tier.</summary>
    public static (int Top1, int Top5, int Top20) Cuts(int count)
    {
        var c1 = Math.Min(count, Math.Max(1, (int)Math.Ceiling(0.01 * count)));
        var c5 = Math.Min(count, Math.Max(c1 + 1, (int)Math.Ceiling(0.05 * count)));
        var c20 = Math.Min(count, Math.Max(c5 + 1, (int)Math.Ceiling(0.20 * count)));
        return (c1, c5, c20);
    }
}
