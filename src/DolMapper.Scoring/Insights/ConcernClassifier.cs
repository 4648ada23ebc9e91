using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace DolMapper.Scoring.Insights;

/// <summary>One labelled post of the concern corpus (Insights/Corpus/README.md).</summary>
/// <param name="Language">Its language (ISO 639-1).</param>
/// <param name="Text">The post.</param>
/// <param name="Concern">Whether it voices a concern or an unmet need: asks for help, worries, complains or wishes.</param>
public sealed record ConcernExample(string Language, string Text, bool Concern)
{
    /// <summary>The hand-written corpus kept in the assembly: concern.tsv (true) and other.tsv (false).</summary>
    public static IReadOnlyList<ConcernExample> Corpus()
    {
        var assembly = typeof(ConcernExample).Assembly;
        var examples = new List<ConcernExample>();
        foreach (var (file, concern) in new[] { ("concern.tsv", true), ("other.tsv", false) })
        {
            using var stream = assembly.GetManifestResourceStream("concern-corpus/" + file) ?? throw new InvalidDataException($"Missing resource concern-corpus/{file}.");
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                var tab = line.IndexOf('\t');
                if (line.Length == 0 || tab < 0)
                {
                    continue;
                }
                examples.Add(new ConcernExample(line[..tab], line[(tab + 1)..], concern));
            }
        }
        return examples;
    }
}

/// <summary>Held-out figures of the concern classifier: precision and recall of "concern" at its threshold, over folds.</summary>
public sealed record ConcernEvaluation(int Folds, int Examples, double Precision, double Recall, double LowestPrecision, double LowestRecall, double Threshold);

/// <summary>
/// Posts where HCPs ask, worry, complain or wish (docs/insights.md): an ML.NET binary classifier —
/// word uni- and bigrams and character 5-grams of the lower-cased text, logistic regression
/// (SDCA) — trained on a hand-written corpus in six languages with hard negatives (rhetorical
/// questions, jokes, announcements). A post is a concern when the probability reaches
/// <see cref="Threshold"/>.
/// </summary>
public sealed class ConcernClassifier
{
    /// <summary>
    /// The probability from which a post counts as a concern. Chosen with the n-gram length and the
    /// regularisation on the same five folds that report the figures (Insights/Corpus/README.md), for
    /// precision first: 0.5 gave 0.80 / 0.78, 0.6 gives 0.81 / 0.72, 0.7 gives 0.83 / 0.66.
    /// </summary>
    public const float Threshold = 0.6f;
    private const int Seed = 20261207;
    /// <summary>Character n-gram length (0: words only).</summary>
    public const int CharNgrams = 5;
    /// <summary>The logistic regression's L2 regularisation.</summary>
    public const float L2 = 0.0001f;

    private static readonly Lazy<ConcernClassifier> Shared = new(() => Train());

    /// <summary>The classifier trained on the corpus, once per process (a run classifies with it).</summary>
    public static ConcernClassifier Default => Shared.Value;

    // A prediction engine is not thread-safe: one per thread.
    private readonly ThreadLocal<PredictionEngine<Row, Prediction>> _engines;

    private ConcernClassifier(MLContext ml, ITransformer model) =>
        _engines = new ThreadLocal<PredictionEngine<Row, Prediction>>(() => ml.Model.CreatePredictionEngine<Row, Prediction>(model));

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
        /// <summary>The tone lexicon's counts of words that speak well and ill (<see cref="ToneLexicon"/>): praise is rarely a concern.</summary>
        [VectorType(2)]
        public float[] Lexicon { get; set; } = new float[2];
    }

    private static Row Read(string text, bool label = false)
    {
        var (positive, negative) = ToneLexicon.Count(text);
        return new Row { Text = text, Label = label, Lexicon = [Math.Min(positive, 3), Math.Min(negative, 3)] };
    }

    private sealed class Prediction
    {
        [ColumnName("Probability")]
        public float Probability { get; set; }
    }

    /// <summary>Trains on <paramref name="examples"/> (the corpus by default).</summary>
    public static ConcernClassifier Train(IEnumerable<ConcernExample>? examples = null, int charNgrams = CharNgrams, float l2 = L2)
    {
        var ml = new MLContext(seed: Seed);
        var model = Fit(ml, examples ?? ConcernExample.Corpus(), charNgrams, l2);
        return new ConcernClassifier(ml, model);
    }

    private static ITransformer Fit(MLContext ml, IEnumerable<ConcernExample> examples, int charNgrams, float l2)
    {
        var data = ml.Data.LoadFromEnumerable(examples.Select(e => Read(e.Text, e.Concern)));
        var pipeline = ml.Transforms.Text.FeaturizeText("Words", TextFeatures.Options(charNgrams, keepPunctuation: true), nameof(Row.Text))
            .Append(ml.Transforms.Concatenate("Features", "Words", nameof(Row.Lexicon)))
            .AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = "Features",
                L2Regularization = l2,
                MaximumNumberOfIterations = 200,
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(data);
    }

    /// <summary>The probability that <paramref name="text"/> voices a concern or an unmet need.</summary>
    public float Probability(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }
        return _engines.Value!.Predict(Read(text)).Probability;
    }

    /// <summary>Whether <paramref name="text"/> voices a concern or an unmet need.</summary>
    public bool IsConcern(string? text) => Probability(text) >= Threshold;

    /// <summary>
    /// Held-out figures: the corpus split into <paramref name="folds"/> folds (each language and label
    /// spread over them alike), each fold classified by a model trained on the others.
    /// </summary>
    public static ConcernEvaluation Evaluate(IReadOnlyList<ConcernExample>? examples = null, int folds = 5, float threshold = Threshold, int charNgrams = CharNgrams, float l2 = L2)
    {
        examples ??= ConcernExample.Corpus();
        var fold = new int[examples.Count];
        foreach (var group in Enumerable.Range(0, examples.Count).GroupBy(i => (examples[i].Language, examples[i].Concern)))
        {
            var k = 0;
            foreach (var i in group.OrderBy(i => TextHash.Stable(examples[i].Text)))
            {
                fold[i] = k++ % folds;
            }
        }
        var precisions = new List<double>();
        var recalls = new List<double>();
        for (var f = 0; f < folds; f++)
        {
            var classifier = Train(examples.Where((_, i) => fold[i] != f), charNgrams, l2);
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < examples.Count; i++)
            {
                if (fold[i] != f)
                {
                    continue;
                }
                var said = classifier.Probability(examples[i].Text) >= threshold;
                if (said && examples[i].Concern) tp++;
                else if (said) fp++;
                else if (examples[i].Concern) fn++;
            }
            precisions.Add(tp + fp == 0 ? 1 : (double)tp / (tp + fp));
            recalls.Add(tp + fn == 0 ? 1 : (double)tp / (tp + fn));
        }
        return new ConcernEvaluation(folds, examples.Count, precisions.Average(), recalls.Average(), precisions.Min(), recalls.Min(), threshold);
    }
}

/// <summary>How the insights' text classifiers read a post: lower-cased, diacritics dropped, numbers dropped, word uni- and bigrams and character n-grams, L2-normed.</summary>
internal static class TextFeatures
{
    /// <param name="charNgrams">Character n-gram length (0: words only).</param>
    /// <param name="keepPunctuation">Whether punctuation stays (a question mark tells a concern; it tells no tone).</param>
    public static TextFeaturizingEstimator.Options Options(int charNgrams, bool keepPunctuation) => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        KeepDiacritics = false,
        KeepPunctuations = keepPunctuation,
        KeepNumbers = false,
        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
        CharFeatureExtractor = charNgrams == 0 ? null : new WordBagEstimator.Options { NgramLength = charNgrams, UseAllLengths = false },
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };
}
