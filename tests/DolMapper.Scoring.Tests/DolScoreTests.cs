using DolMapper.Scoring;

namespace DolMapper.Scoring.Tests;

public class DolScoreTests
{
    private static readonly double[] Signals = [0.9, 0.2, 0.5, 0.4, 0.1, 0.6, 1.0, 0.8, 0.3, 0.0];

    [Fact]
    public void Score_is_the_weighted_mean_of_the_signals_times_100()
    {
        // relevance 1, peer_trust 0.5, science 1 → 100 · (0.9 + 0.5·0.5 + 0.8) / 2.5 = 78
        var weights = Weights.FromOrdered([1, 0, 0.5, 0, 0, 0, 0, 1, 0, 0]);
        var contributions = new double[10];

        var score = DolScore.Compute(weights, Signals, contributions);

        Assert.Equal(78, score, 9);
        Assert.Equal(36, contributions[0], 9);
        Assert.Equal(10, contributions[2], 9);
        Assert.Equal(32, contributions[7], 9);
        Assert.Equal(score, contributions.Sum(), 9);
    }

    [Fact]
    public void A_negative_weight_prefers_low_values()
    {
        // relationship −1 with signal 1.0 (an existing relationship) contributes nothing;
        // relevance 1 with 0.9 → 100 · (0.9 + 0) / 2 = 45
        var weights = Weights.FromOrdered([1, 0, 0, 0, 0, 0, -1, 0, 0, 0]);
        var contributions = new double[10];

        var withRelationship = DolScore.Compute(weights, Signals, contributions);
        var noRelationship = (double[])Signals.Clone();
        noRelationship[6] = 0;
        var withoutRelationship = DolScore.Compute(weights, noRelationship, contributions);

        Assert.Equal(45, withRelationship, 9);
        Assert.Equal(95, withoutRelationship, 9);
    }

    [Fact]
    public void Score_stays_within_0_and_100_at_the_extremes()
    {
        var weights = Weights.FromOrdered([1, -1, 1, -1, 1, -1, 1, -1, 1, -1]);
        var contributions = new double[10];
        Assert.Equal(100, DolScore.Compute(weights, [1, 0, 1, 0, 1, 0, 1, 0, 1, 0], contributions), 9);
        Assert.Equal(0, DolScore.Compute(weights, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], contributions), 9);
    }

    [Fact]
    public void All_zero_weights_are_refused_with_a_clear_message()
    {
        var weights = Weights.FromOrdered(new double[10]);
        var e = Assert.Throws<ArgumentException>(() => DolScore.Compute(weights, Signals, new double[10]));
        Assert.Contains("All weights are zero", e.Message);
    }

    [Fact]
    public void A_signal_outside_0_1_is_refused()
    {
        var weights = Weights.FromOrdered([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var bad = (double[])Signals.Clone();
        bad[3] = 1.5;
        Assert.Throws<ArgumentOutOfRangeException>(() => DolScore.Compute(weights, bad, new double[10]));
    }
}
