namespace DolMapper.Scoring;

/// <summary>
/// The normalisation of docs/scoring.md: a raw value of zero (or less) gives 0, because no evidence is
/// not average evidence; positive values get their percentile rank among the positive values, with
/// ties sharing the mid-rank, so heavy tails do not dominate.
/// </summary>
public static class PercentileRank
{
    /// <summary>
    /// Normalises <paramref name="raw"/> into <paramref name="normalised"/> (same length).
    /// Among n positive values, the value of rank r (1-based, ties given the mean of their ranks)
    /// gets r / n, so the largest positive value gets 1 and a lone positive value gets 1.
    /// </summary>
    public static void Normalise(ReadOnlySpan<double> raw, Span<double> normalised)
    {
        if (raw.Length != normalised.Length)
        {
            throw new ArgumentException("Input and output must have the same length.");
        }

        var positive = new List<int>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (double.IsNaN(raw[i]))
            {
                throw new ArgumentException($"Raw value {i} is NaN.", nameof(raw));
            }
            if (raw[i] > 0)
            {
                positive.Add(i);
            }
            else
            {
                normalised[i] = 0;
            }
        }
        if (positive.Count == 0)
        {
            return;
        }

        var values = new double[positive.Count];
        var index = positive.ToArray();
        for (var k = 0; k < index.Length; k++)
        {
            values[k] = raw[index[k]];
        }
        Array.Sort(values, index);

        double n = positive.Count;
        var start = 0;
        while (start < values.Length)
        {
            var end = start;
            while (end + 1 < values.Length && values[end + 1] == values[start])
            {
                end++;
            }
            // Ranks start..end (0-based) share the mean of the 1-based ranks start+1..end+1.
            var midRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                normalised[index[k]] = midRank / n;
            }
            start = end + 1;
        }
    }
}
