namespace DolMapper.Scoring;

/// <summary>
/// The weighted DOL score (docs/scoring.md): 100 · Σ|wᵢ|·s′ᵢ / Σ|wᵢ|, where s′ᵢ = sᵢ for a positive
/// weight and 1 − sᵢ for a negative one. The result always lies in [0, 100].
/// </summary>
public static class DolScore
{
    /// <summary>
    /// Computes the score and each question's contribution (in score points, so the
    /// contributions add up to the score).
    /// </summary>
    /// <param name="weights">The profile's weights; not all zero.</param>
    /// <param name="signals">The ten normalised signals in [0, 1], in <see cref="Questions.All"/> order.</param>
    /// <param name="contributions">Receives the ten contributions; must have length 10.</param>
    public static double Compute(Weights weights, ReadOnlySpan<double> signals, Span<double> contributions)
    {
        if (signals.Length != Questions.Count || contributions.Length != Questions.Count)
        {
            throw new ArgumentException($"Signals and contributions must have {Questions.Count} entries.");
        }
        if (weights.AllZero)
        {
            throw new ArgumentException("All weights are zero: give at least one question a weight.", nameof(weights));
        }

        var w = weights.Values;
        double total = 0;
        for (var i = 0; i < Questions.Count; i++)
        {
            total += Math.Abs(w[i]);
        }

        double score = 0;
        for (var i = 0; i < Questions.Count; i++)
        {
            var s = signals[i];
            if (double.IsNaN(s) || s < 0 || s > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(signals), $"Signal '{Questions.All[i]}' is {s}; signals lie in [0, 1].");
            }
            var oriented = w[i] < 0 ? 1 - s : s;
            var contribution = 100 * Math.Abs(w[i]) * oriented / total;
            contributions[i] = contribution;
            score += contribution;
        }
        return Math.Clamp(score, 0, 100);
    }
}
