namespace DolMapper.Scoring;

/// <summary>
/// The ten question weights of a scoring profile, each in [-1, 1]. A missing weight is 0; a
/// negative weight means "prefer low values" (docs/scoring.md, "Normalisation and the DOL score").
/// </summary>
public sealed class Weights
{
    private readonly double[] _values;

    private Weights(double[] values) => _values = values;

    /// <summary>The weight of each question in <see cref="Questions.All"/> order.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>The weight of question <paramref name="key"/>.</summary>
    public double this[string key]
    {
        get
        {
            var i = Questions.IndexOf(key);
            if (i < 0)
            {
                throw new ArgumentException($"'{key}' is not a question key.", nameof(key));
            }
            return _values[i];
        }
    }

    /// <summary>True when every weight is zero, so no score can be computed.</summary>
    public bool AllZero => _values.All(w => w == 0);

    /// <summary>
    /// Builds weights from a key → value map, reporting every problem at once: unknown keys,
    /// values outside [-1, 1] or not finite. Missing keys are 0.
    /// </summary>
    public static Weights Create(IReadOnlyDictionary<string, double> byKey, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var values = new double[Questions.Count];
        foreach (var (key, value) in byKey)
        {
            var i = Questions.IndexOf(key);
            if (i < 0)
            {
                problems.Add($"'{key}' is not a question key; the keys are {string.Join(", ", Questions.All)}.");
                continue;
            }
            if (!double.IsFinite(value) || value < -1 || value > 1)
            {
                problems.Add($"The weight of '{key}' is {value}; weights must lie between -1 and 1.");
                continue;
            }
            values[i] = value;
        }
        errors = problems;
        return new Weights(values);
    }

    /// <summary>Builds weights from exactly ten values in <see cref="Questions.All"/> order; throws on a bad value.</summary>
    public static Weights FromOrdered(IReadOnlyList<double> values)
    {
        if (values.Count != Questions.Count)
        {
            throw new ArgumentException($"Expected {Questions.Count} weights, got {values.Count}.", nameof(values));
        }
        var map = new Dictionary<string, double>();
        for (var i = 0; i < values.Count; i++)
        {
            map[Questions.All[i]] = values[i];
        }
        var weights = Create(map, out var errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(values));
        }
        return weights;
    }
}
