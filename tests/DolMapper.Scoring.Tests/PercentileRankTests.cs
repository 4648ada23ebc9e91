using DolMapper.Scoring;

namespace DolMapper.Scoring.Tests;

public class PercentileRankTests
{
    [Fact]
    public void Zero_evidence_scores_zero_and_positives_get_their_percentile_rank()
    {
        double[] raw = [0, 10, 5, 0, 20, 1000];
        var result = new double[raw.Length];

        PercentileRank.Normalise(raw, result);

        // Positives ranked 5 < 10 < 20 < 1000 → 1/4, 2/4, 3/4, 4/4; the heavy tail gets no more than 1.
        Assert.Equal([0, 0.5, 0.25, 0, 0.75, 1.0], result);
    }

    [Fact]
    public void Ties_share_the_mid_rank()
    {
        double[] raw = [3, 3, 1, 3, 7];
        var result = new double[raw.Length];

        PercentileRank.Normalise(raw, result);

        // Sorted: 1 (rank 1), 3,3,3 (ranks 2..4 → mid-rank 3), 7 (rank 5); divided by 5.
        Assert.Equal([0.6, 0.6, 0.2, 0.6, 1.0], result);
    }

    [Fact]
    public void No_positive_values_gives_all_zeros()
    {
        double[] raw = [0, -1, 0];
        var result = new[] { 9.0, 9.0, 9.0 };
        PercentileRank.Normalise(raw, result);
        Assert.All(result, v => Assert.Equal(0, v));
    }

    [Fact]
    public void NaN_is_refused() =>
        Assert.Throws<ArgumentException>(() => PercentileRank.Normalise([1, double.NaN], new double[2]));
}
