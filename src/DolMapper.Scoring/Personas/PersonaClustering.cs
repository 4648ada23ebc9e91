using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace DolMapper.Scoring.Personas;

/// <summary>One k-means fit: the standardised centroids, each person's cluster, and how well it separates.</summary>
/// <param name="K">Number of clusters.</param>
/// <param name="Centroids">Per cluster, the centroid in standardised feature space.</param>
/// <param name="Assignments">Per person, the cluster (0-based).</param>
/// <param name="Silhouette">Mean silhouette on the sample (−1..1, higher is better separated).</param>
public sealed record ClusterFit(int K, double[][] Centroids, int[] Assignments, double Silhouette);

/// <summary>The chosen fit, every candidate's silhouette, and the standardisation used.</summary>
public sealed record PersonaClusters(ClusterFit Chosen, IReadOnlyDictionary<int, double> SilhouetteByK, double[] Means, double[] Deviations)
{
    /// <summary>The features as clustered (standardised), for <see cref="PersonaClustering.Refine"/>.</summary>
    public double[][] Standardised { get; init; } = [];

    /// <summary>The silhouette sample's indexes.</summary>
    public int[] Sample { get; init; } = [];
}

/// <summary>
/// Personas are k-means clusters (ML.NET, k-means++ initialisation) over standardised features.
/// k is chosen in <see cref="MinK"/>..<see cref="MaxK"/> by the mean silhouette on a fixed sample of
/// at most <see cref="SilhouetteSample"/> persons (docs/personas.md).
/// </summary>
public static class PersonaClustering
{
    /// <summary>The fewest personas.</summary>
    public const int MinK = 4;
    /// <summary>The most personas.</summary>
    public const int MaxK = 8;
    /// <summary>The most persons the silhouette is computed over.</summary>
    public const int SilhouetteSample = 10_000;
    private const int Seed = 20261126;
    /// <summary>The most persons k-means learns its centroids from (every person is then assigned).</summary>
    public const int FitSample = 50_000;

    /// <summary>k-means starts per k.</summary>
    public const int Restarts = 8;

    private sealed class Row
    {
        [VectorType]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Standardises <paramref name="features"/> (per column: mean 0, standard deviation 1; a constant column stays 0) and clusters.</summary>
    public static PersonaClusters Fit(double[][] features, int minK = MinK, int maxK = MaxK)
    {
        if (features.Length < maxK * 3)
        {
            throw new ArgumentException($"Personas need at least {maxK * 3} persons; the run has {features.Length}.", nameof(features));
        }
        var (standardised, means, deviations) = Standardise(features);
        var sample = SampleIndexes(standardised.Length, SilhouetteSample);
        var fitSample = SampleIndexes(standardised.Length, FitSample);
        var fits = new List<ClusterFit>();
        for (var k = minK; k <= maxK; k++)
        {
            // k-means finds a local optimum from its k-means++ start: the best of several starts (least
            // within-cluster sum of squares over the fit sample) is kept, so the personas do not hang on
            // one draw; then every person goes to the nearest of its centroids.
            var centres = Enumerable.Range(0, Restarts).Select(r => KMeans(standardised, k, Seed + r)).MinBy(f => f.Inertia).Centres;
            fits.Add(new ClusterFit(k, centres, Nearest(standardised, centres), double.NaN));
        }
        // One pass over the sample's pairs gives every k its silhouette.
        var scores = Silhouettes(standardised, [.. fits.Select(f => f.Assignments)], [.. fits.Select(f => f.K)], sample);
        var silhouettes = new Dictionary<int, double>();
        ClusterFit? best = null;
        for (var f = 0; f < fits.Count; f++)
        {
            var fit = fits[f] with { Silhouette = scores[f] };
            silhouettes[fit.K] = fit.Silhouette;
            if (best is null || fit.Silhouette > best.Silhouette + 1e-9)
            {
                best = fit;
            }
        }
        return new PersonaClusters(best!, silhouettes, means, deviations) { Standardised = standardised, Sample = sample };

        (double[][] Centres, double Inertia) KMeans(double[][] x, int k, int seed)
        {
            var ml = new MLContext(seed: seed);
            // The centroids are learned on a fixed, evenly spread sample (all persons up to FitSample);
            // then every person goes to the nearest one. Centroids of 290k persons and of a 50k sample
            // differ by far less than the clusters' spread, at a sixth of the cost.
            var data = ml.Data.LoadFromEnumerable(fitSample.Select(i => new Row { Features = [.. x[i].Select(v => (float)v)] }).ToList(), SchemaFor(x[0].Length));
            var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
            {
                FeatureColumnName = nameof(Row.Features),
                NumberOfClusters = k,
                InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
                MaximumNumberOfIterations = 300,
                OptimizationTolerance = 1e-7f,
                NumberOfThreads = 1,
            });
            var model = trainer.Fit(data);
            VBuffer<float>[] centroids = default!;
            model.Model.GetClusterCentroids(ref centroids, out var count);
            var centres = centroids.Take(count).Select(c => c.DenseValues().Select(v => (double)v).ToArray()).ToArray();
            double inertia = 0;
            foreach (var i in fitSample)
            {
                var nearest = double.MaxValue;
                foreach (var centre in centres)
                {
                    nearest = Math.Min(nearest, Distance(x[i], centre));
                }
                inertia += nearest * nearest;
            }
            return (centres, inertia);
        }
    }

    /// <summary>Each person's nearest centroid (what the model's prediction does, without a row-by-row engine).</summary>
    private static int[] Nearest(double[][] x, double[][] centres)
    {
        var assignments = new int[x.Length];
        Parallel.For(0, x.Length, i =>
        {
            var nearest = 0;
            var distance = double.MaxValue;
            for (var c = 0; c < centres.Length; c++)
            {
                var d = Distance(x[i], centres[c]);
                if (d < distance)
                {
                    (nearest, distance) = (c, d);
                }
            }
            assignments[i] = nearest;
        });
        return assignments;
    }

    /// <summary>
    /// Continues existing personas on new data: Lloyd's k-means iterations started from
    /// <paramref name="centroids"/> (standardised like <paramref name="x"/>) until no person changes
    /// cluster or <paramref name="iterations"/> pass. Cluster i stays persona i, so names and
    /// members carry over wherever the data allows.
    /// </summary>
    public static ClusterFit Refine(double[][] x, double[][] centroids, int[] sample, int iterations = 50)
    {
        var k = centroids.Length;
        var centres = centroids.Select(c => (double[])c.Clone()).ToArray();
        var assignments = Enumerable.Repeat(-1, x.Length).ToArray();
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var nearest = Nearest(x, centres);
            var changed = 0;
            for (var i = 0; i < x.Length; i++)
            {
                if (assignments[i] != nearest[i])
                {
                    assignments[i] = nearest[i];
                    changed++;
                }
            }
            if (changed == 0)
            {
                break;
            }
            var sums = new double[k][];
            var counts = new int[k];
            for (var c = 0; c < k; c++)
            {
                sums[c] = new double[x[0].Length];
            }
            for (var i = 0; i < x.Length; i++)
            {
                var c = assignments[i];
                counts[c]++;
                for (var j = 0; j < x[i].Length; j++)
                {
                    sums[c][j] += x[i][j];
                }
            }
            for (var c = 0; c < k; c++)
            {
                if (counts[c] > 0)
                {
                    centres[c] = [.. sums[c].Select(v => v / counts[c])];
                }
            }
        }
        return new ClusterFit(k, centres, assignments, Silhouette(x, assignments, k, sample));
    }

    private static SchemaDefinition SchemaFor(int size)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }

    /// <summary>Column-wise z-scores; the means and deviations are returned so centroids can be read in the original units.</summary>
    public static (double[][] Standardised, double[] Means, double[] Deviations) Standardise(double[][] features)
    {
        var d = features[0].Length;
        var means = new double[d];
        var deviations = new double[d];
        for (var j = 0; j < d; j++)
        {
            var mean = features.Average(r => r[j]);
            var variance = features.Sum(r => (r[j] - mean) * (r[j] - mean)) / features.Length;
            means[j] = mean;
            deviations[j] = Math.Sqrt(variance);
        }
        var result = features.Select(r => r.Select((v, j) => deviations[j] > 1e-12 ? (v - means[j]) / deviations[j] : 0).ToArray()).ToArray();
        return (result, means, deviations);
    }

    /// <summary>
    /// Mean silhouette over <paramref name="sample"/>: for each sampled point, (b − a) / max(a, b), a the
    /// mean distance to its own cluster and b to the nearest other cluster, both over the sample.
    /// </summary>
    public static double Silhouette(double[][] x, int[] assignments, int k, int[] sample) =>
        Silhouettes(x, [assignments], [k], sample)[0];

    /// <summary>
    /// The mean silhouette of several clusterings of the same persons over <paramref name="sample"/>,
    /// in one pass over its pairs: each distance is computed once and counted for every clustering.
    /// </summary>
    public static double[] Silhouettes(double[][] x, int[][] assignments, int[] ks, int[] sample)
    {
        var m = assignments.Length;
        var totals = new double[m];
        var counted = new int[m];
        var gate = new object();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, sample.Length), () => (Totals: new double[m], Counted: new int[m]), (range, _, local) =>
        {
            var sums = new double[m][];
            var counts = new int[m][];
            for (var f = 0; f < m; f++)
            {
                sums[f] = new double[ks[f]];
                counts[f] = new int[ks[f]];
            }
            for (var s = range.Item1; s < range.Item2; s++)
            {
                var i = sample[s];
                for (var f = 0; f < m; f++)
                {
                    Array.Clear(sums[f]);
                    Array.Clear(counts[f]);
                }
                foreach (var j in sample)
                {
                    if (i == j)
                    {
                        continue;
                    }
                    var d = Distance(x[i], x[j]);
                    for (var f = 0; f < m; f++)
                    {
                        var c = assignments[f][j];
                        sums[f][c] += d;
                        counts[f][c]++;
                    }
                }
                for (var f = 0; f < m; f++)
                {
                    var own = assignments[f][i];
                    if (counts[f][own] == 0)
                    {
                        continue;
                    }
                    var a = sums[f][own] / counts[f][own];
                    var b = double.MaxValue;
                    for (var c = 0; c < ks[f]; c++)
                    {
                        if (c != own && counts[f][c] > 0)
                        {
                            b = Math.Min(b, sums[f][c] / counts[f][c]);
                        }
                    }
                    if (b == double.MaxValue)
                    {
                        continue;
                    }
                    local.Totals[f] += (b - a) / Math.Max(a, b);
                    local.Counted[f]++;
                }
            }
            return local;
        }, local =>
        {
            lock (gate)
            {
                for (var f = 0; f < m; f++)
                {
                    totals[f] += local.Totals[f];
                    counted[f] += local.Counted[f];
                }
            }
        });
        return [.. Enumerable.Range(0, m).Select(f => counted[f] == 0 ? 0 : totals[f] / counted[f])];
    }

    /// <summary>The adjusted Rand index of two labellings (1: identical partitions; about 0: chance).</summary>
    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException("Both labellings must cover the same items.");
        }
        var table = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var columns = new Dictionary<int, long>();
        for (var i = 0; i < a.Count; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            columns[b[i]] = columns.GetValueOrDefault(b[i]) + 1;
        }
        static double Pairs(long n) => n * (n - 1) / 2.0;
        var index = table.Values.Sum(Pairs);
        var rowPairs = rows.Values.Sum(Pairs);
        var columnPairs = columns.Values.Sum(Pairs);
        var expected = rowPairs * columnPairs / Pairs(a.Count);
        var max = (rowPairs + columnPairs) / 2;
        return max - expected == 0 ? 1 : (index - expected) / (max - expected);
    }

    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>A fixed, evenly spread sample of indexes (the same for every k and every run of the same size).</summary>
    private static int[] SampleIndexes(int count, int max)
    {
        if (count <= max)
        {
            return [.. Enumerable.Range(0, count)];
        }
        var step = count / (double)max;
        return [.. Enumerable.Range(0, max).Select(i => (int)(i * step))];
    }
}
