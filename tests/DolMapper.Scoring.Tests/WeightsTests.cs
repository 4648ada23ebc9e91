using DolMapper.Scoring;

namespace DolMapper.Scoring.Tests;

public class WeightsTests
{
    [Fact]
    public void Missing_weights_are_zero()
    {
        var weights = Weights.Create(new Dictionary<string, double> { ["science"] = 0.5 }, out var errors);
        Assert.Empty(errors);
        Assert.Equal(0.5, weights["science"]);
        Assert.Equal(0, weights["relevance"]);
        Assert.False(weights.AllZero);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        Weights.Create(new Dictionary<string, double>
        {
            ["reach"] = 1,
            ["science"] = 1.5,
            ["activity"] = double.NaN,
            ["relevance"] = -1,
        }, out var errors);

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("'reach' is not a question key"));
        Assert.Contains(errors, e => e.Contains("'science'") && e.Contains("between -1 and 1"));
        Assert.Contains(errors, e => e.Contains("'activity'"));
    }

    [Fact]
    public void All_zero_is_detected() =>
        Assert.True(Weights.Create(new Dictionary<string, double>(), out _).AllZero);
}
