using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace DolMapper.Scoring.Learning;

/// <summary>One person an analyst judged.</summary>
/// <param name="PersonId">The person.</param>
/// <param name="Signals">The ten normalised signals of the run the model learns from, then the weighted score ÷ 100.</param>
/// <param name="Label">2 good fit, 1 maybe, 0 not a fit (averaged over analysts).</param>
/// <param name="Group">Which training group (query) the row belongs to; LightGBM ranks within groups, and a group's rows must be consecutive.</param>
public sealed record JudgedPerson(long PersonId, double[] Signals, float Label, uint Group);

/// <summary>A trained ranker: the ML.NET model (zip bytes) and the learned importance of each question (shares that add up to 1).</summary>
public sealed record RankerModel(byte[] Model, double[] Importance);

/// <summary>
/// The learned ranking (docs/scoring.md): a LightGBM lambdarank model (ML.NET) over the
/// ten normalised signals, trained on analysts' verdicts. Small on purpose (few leaves, many
/// examples per leaf) — feedback comes in the tens to hundreds.
/// </summary>
public static class LearnedRanker
{
    private const int Seed = 20261126;

    /// <summary>The model's inputs: the ten signals, then the profile's weighted score (0..1) as a prior the trees correct.</summary>
    public const int FeatureCount = Questions.Count + 1;

    private sealed class Row
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
        public uint Group { get; set; }
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }

    /// <summary>
    /// Trains on <paramref name="examples"/>. ML.NET cannot take a LightGBM tree that did not split
    /// (dotnet/machinelearning#5022: it throws ArgumentNullException building the ensemble); that
    /// happens once boosting has nothing left to learn from small feedback, so training is retried
    /// with half the iterations until it takes.
    /// </summary>
    public static RankerModel Train(IReadOnlyList<JudgedPerson> examples)
    {
        for (var iterations = 60; ; iterations /= 2)
        {
            try
            {
                return Train(examples, iterations);
            }
            catch (ArgumentNullException) when (iterations > 4)
            {
            }
            catch (InvalidOperationException e) when (e.InnerException is ArgumentNullException && iterations > 4)
            {
            }
        }
    }

    private static RankerModel Train(IReadOnlyList<JudgedPerson> examples, int iterations)
    {
        var ml = new MLContext(seed: Seed);
        var rows = examples.Select(e => new Row { Features = [.. e.Signals.Select(v => (float)v)], Label = e.Label, Group = e.Group }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("GroupKey", nameof(Row.Group))
            .Append(ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = nameof(Row.Features),
                RowGroupColumnName = "GroupKey",
                NumberOfLeaves = 4,
                MinimumExampleCountPerLeaf = 5,
                NumberOfIterations = iterations,
                LearningRate = 0.1,
                Seed = Seed,
                Silent = true,
                NumberOfThreads = 1,
                Booster = new GradientBooster.Options { L2Regularization = 1.0, MinimumChildWeight = 1e-6 },
            }));
        var model = pipeline.Fit(data);
        var importance = Importance(model.LastTransformer.Model);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return new RankerModel(stream.ToArray(), importance);
    }

    /// <summary>The model's score for each row of signals (higher ranks first).</summary>
    public static float[] Score(byte[] model, IReadOnlyList<double[]> signals)
    {
        var ml = new MLContext(seed: Seed);
        using var stream = new MemoryStream(model);
        var transformer = ml.Model.Load(stream, out _);
        var data = ml.Data.LoadFromEnumerable(signals.Select(s => new Row { Features = [.. s.Select(v => (float)v)] }).ToList());
        return [.. ml.Data.CreateEnumerable<Scored>(transformer.Transform(data), reuseRowObject: false).Select(r => r.Score)];
    }

    /// <summary>
    /// NDCG@k of ordering <paramref name="labels"/> by <paramref name="scores"/> (descending; ties by
    /// position), with gain 2^label − 1 and the log2(rank + 1) discount; 1 is the best order.
    /// </summary>
    public static double Ndcg(IReadOnlyList<double> scores, IReadOnlyList<float> labels, int k = 10)
    {
        static double Dcg(IEnumerable<float> ordered, int k) =>
            ordered.Take(k).Select((label, i) => (Math.Pow(2, label) - 1) / Math.Log2(i + 2)).Sum();
        var ideal = Dcg(labels.OrderByDescending(l => l), k);
        if (ideal == 0)
        {
            return 0;
        }
        var order = Enumerable.Range(0, labels.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Select(i => labels[i]);
        return Dcg(order, k) / ideal;
    }

    /// <summary>
    /// The weights feedback implies, on the profile's own scale: a ridge least-squares fit of the label
    /// on the ten signals (signals are 0..1, so coefficients compare), as shares of the total absolute
    /// coefficient with their signs. What the hints compare with the profile's weights.
    /// </summary>
    public static double[] ImpliedWeights(IReadOnlyList<JudgedPerson> examples, double ridge = 1.0)
    {
        const int d = Questions.Count + 1;
        var a = new double[d, d];
        var b = new double[d];
        foreach (var e in examples)
        {
            var x = new double[d];
            for (var j = 0; j < Questions.Count; j++)
            {
                x[j] = e.Signals[j];
            }
            x[Questions.Count] = 1;
            for (var i = 0; i < d; i++)
            {
                b[i] += x[i] * e.Label;
                for (var j = 0; j < d; j++)
                {
                    a[i, j] += x[i] * x[j];
                }
            }
        }
        for (var i = 0; i < Questions.Count; i++)
        {
            a[i, i] += ridge;
        }
        var w = Solve(a, b);
        var coefficients = w.Take(Questions.Count).ToArray();
        var total = coefficients.Sum(Math.Abs);
        return total > 0 ? [.. coefficients.Select(c => c / total)] : new double[Questions.Count];
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r, col]));
            for (var k = 0; k < n; k++)
            {
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            }
            (x[col], x[pivot]) = (x[pivot], x[col]);
            if (Math.Abs(m[col, col]) < 1e-12)
            {
                continue;
            }
            for (var r = 0; r < n; r++)
            {
                if (r == col)
                {
                    continue;
                }
                var f = m[r, col] / m[col, col];
                for (var k = col; k < n; k++)
                {
                    m[r, k] -= f * m[col, k];
                }
                x[r] -= f * x[col];
            }
        }
        return [.. Enumerable.Range(0, n).Select(i => Math.Abs(m[i, i]) < 1e-12 ? 0 : x[i] / m[i, i])];
    }

    private static double[] Importance(LightGbmRankingModelParameters model)
    {
        VBuffer<float> weights = default;
        model.GetFeatureWeights(ref weights);
        // The importance of each question (the prior, the weighted score, is left out: it is the profile's own weights).
        var values = weights.DenseValues().Select(v => (double)Math.Max(0, v)).ToArray();
        Array.Resize(ref values, Questions.Count);
        var total = values.Sum();
        return total > 0 ? [.. values.Select(v => v / total)] : new double[Questions.Count];
    }
}
