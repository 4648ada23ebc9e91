using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace DolMapper.Scoring.Insights;

/// <summary>The tone of a post about a product.</summary>
public static class Tone
{
    /// <summary>Speaks well of the product: efficacy, tolerability, access won.</summary>
    public const string Positive = "positive";
    /// <summary>Speaks ill of it: failure, toxicity, price, shortages.</summary>
    public const string Negative = "negative";
    /// <summary>Neither: news, questions, dosing, teaching.</summary>
    public const string Neutral = "neutral";
    /// <summary>The three, in the order the columns and charts show them.</summary>
    public static readonly IReadOnlyList<string> All = [Positive, Negative, Neutral];
}

/// <summary>One labelled post of the tone corpus (Insights/ToneCorpus/README.md); "{P}" stands for the product's name.</summary>
public sealed record ToneExample(string Language, string Tone, string Text)
{
    /// <summary>The hand-written corpus kept in the assembly (tone.tsv), which the classifier is trained on.</summary>
    public static IReadOnlyList<ToneExample> Corpus() => Read("tone.tsv");

    /// <summary>
    /// Rows never trained on (Insights/ToneCorpus/README.md): <c>tone-test.tsv</c> (written after the
    /// lexicon, before the corpus grew to 783 rows) and <c>tone-test-2.tsv</c> (written after it), or
    /// the one named by <paramref name="file"/>.
    /// </summary>
    public static IReadOnlyList<ToneExample> TestSet(string? file = null) =>
        file is null ? [.. Read("tone-test.tsv"), .. Read("tone-test-2.tsv")] : Read(file);

    private static IReadOnlyList<ToneExample> Read(string file)
    {
        using var stream = typeof(ToneExample).Assembly.GetManifestResourceStream("tone-corpus/" + file) ?? throw new InvalidDataException($"Missing resource tone-corpus/{file}.");
        using var reader = new StreamReader(stream);
        var examples = new List<ToneExample>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split('\t');
            if (parts.Length == 3)
            {
                examples.Add(new ToneExample(parts[0], parts[1], parts[2]));
            }
        }
        return examples;
    }
}

/// <summary>Held-out figures of the tone classifier: macro-F1 over the three tones, and each tone's F1, over folds.</summary>
public sealed record ToneEvaluation(int Folds, int Examples, double MacroF1, double LowestFoldMacroF1, IReadOnlyDictionary<string, double> F1);

/// <summary>
/// The tone of a post that mentions a product (docs/insights.md): an ML.NET multiclass classifier —
/// word uni- and bigrams and character n-grams of the lower-cased text beside the counts of
/// <see cref="ToneLexicon"/>'s words that speak well and ill of a treatment, maximum entropy (SDCA) —
/// trained on a hand-written corpus in six languages where every product name is one placeholder,
/// so the model learns how HCPs speak of a product, never which product. Posts are classified
/// with the product's name replaced by the same placeholder.
/// </summary>
public sealed class ToneClassifier
{
    /// <summary>What a product's name is replaced with, in the corpus and in the posts classified.</summary>
    public const string Placeholder = "{P}";
    /// <summary>Character n-gram length.</summary>
    public const int CharNgrams = 4;
    /// <summary>The regularisation (chosen on the folds that report the figures, Insights/ToneCorpus/README.md).</summary>
    public const float L2 = 0.00001f;
    private const int Seed = 20261207;

    private static readonly Lazy<ToneClassifier> Shared = new(() => Train());

    /// <summary>The classifier trained on the corpus, once per process.</summary>
    public static ToneClassifier Default => Shared.Value;

    private readonly ThreadLocal<PredictionEngine<Row, Prediction>> _engines;

    private ToneClassifier(MLContext ml, ITransformer model) =>
        _engines = new ThreadLocal<PredictionEngine<Row, Prediction>>(() => ml.Model.CreatePredictionEngine<Row, Prediction>(model));

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
        /// <summary>The lexicon's counts of words that speak well and ill of the product (<see cref="ToneLexicon"/>).</summary>
        [VectorType(2)]
        public float[] Lexicon { get; set; } = new float[2];
    }

    private static Row Read(string text, string label = "")
    {
        var (positive, negative) = ToneLexicon.Count(text);
        return new Row { Text = text, Label = label, Lexicon = [Math.Min(positive, 3), Math.Min(negative, 3)] };
    }

    private sealed class Prediction
    {
        [ColumnName("PredictedTone")]
        public string Tone { get; set; } = "";
    }

    /// <summary>Trains on <paramref name="examples"/> (the corpus by default).</summary>
    public static ToneClassifier Train(IEnumerable<ToneExample>? examples = null, int charNgrams = CharNgrams, float l2 = L2)
    {
        var ml = new MLContext(seed: Seed);
        var data = ml.Data.LoadFromEnumerable((examples ?? ToneExample.Corpus()).Select(e => Read(e.Text, e.Tone)));
        var text = TextFeatures.Options(charNgrams, keepPunctuation: false);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Row.Label))
            .Append(ml.Transforms.Text.FeaturizeText("Words", text, nameof(Row.Text)))
            .Append(ml.Transforms.Concatenate("Features", "Words", nameof(Row.Lexicon)))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey",
                FeatureColumnName = "Features",
                L2Regularization = l2,
                MaximumNumberOfIterations = 200,
                NumberOfThreads = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedTone", "PredictedLabel"));
        return new ToneClassifier(ml, pipeline.Fit(data));
    }

    /// <summary>The tone of <paramref name="text"/>, where the product's name is already <see cref="Placeholder"/>.</summary>
    public string Classify(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Tone.Neutral : _engines.Value!.Predict(Read(text)).Tone;

    /// <summary>
    /// Held-out figures: the corpus split into <paramref name="folds"/> folds (each language and tone
    /// spread over them alike), each fold classified by a model trained on the others.
    /// </summary>
    public static ToneEvaluation Evaluate(IReadOnlyList<ToneExample>? examples = null, int folds = 5, int charNgrams = CharNgrams, float l2 = L2)
    {
        examples ??= ToneExample.Corpus();
        var fold = new int[examples.Count];
        foreach (var group in Enumerable.Range(0, examples.Count).GroupBy(i => (examples[i].Language, examples[i].Tone)))
        {
            var k = 0;
            foreach (var i in group.OrderBy(i => TextHash.Stable(examples[i].Text)))
            {
                fold[i] = k++ % folds;
            }
        }
        var all = new Tally();
        var foldMacro = new List<double>();
        for (var f = 0; f < folds; f++)
        {
            var classifier = Train(examples.Where((_, i) => fold[i] != f), charNgrams, l2);
            var local = new Tally();
            for (var i = 0; i < examples.Count; i++)
            {
                if (fold[i] != f)
                {
                    continue;
                }
                var said = classifier.Classify(examples[i].Text);
                all.Add(said, examples[i].Tone);
                local.Add(said, examples[i].Tone);
            }
            foldMacro.Add(local.MacroF1);
        }
        return new ToneEvaluation(folds, examples.Count, all.MacroF1, foldMacro.Min(), all.F1);
    }

    /// <summary>Macro-F1 on the held-out rows (<see cref="ToneExample.TestSet"/>, or one of its files) of a model trained on the whole corpus.</summary>
    public static ToneEvaluation Test(string? file = null, int charNgrams = CharNgrams, float l2 = L2)
    {
        var classifier = Train(null, charNgrams, l2);
        var test = ToneExample.TestSet(file);
        var tally = new Tally();
        foreach (var example in test)
        {
            tally.Add(classifier.Classify(example.Text), example.Tone);
        }
        return new ToneEvaluation(1, test.Count, tally.MacroF1, tally.MacroF1, tally.F1);
    }

    /// <summary>True positives, false positives and false negatives per tone.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<string, (int Tp, int Fp, int Fn)> _counts = Tone.All.ToDictionary(t => t, _ => (0, 0, 0));

        public void Add(string said, string truth)
        {
            if (said == truth)
            {
                _counts[truth] = _counts[truth] with { Tp = _counts[truth].Tp + 1 };
                return;
            }
            _counts[said] = _counts[said] with { Fp = _counts[said].Fp + 1 };
            _counts[truth] = _counts[truth] with { Fn = _counts[truth].Fn + 1 };
        }

        public IReadOnlyDictionary<string, double> F1 => Tone.All.ToDictionary(t => t, t => ToneClassifier.F1(_counts[t]));

        public double MacroF1 => F1.Values.Average();
    }

    private static double F1((int Tp, int Fp, int Fn) c) => c.Tp == 0 ? 0 : 2.0 * c.Tp / (2.0 * c.Tp + c.Fp + c.Fn);
}

/// <summary>Hashes that do not change between runs (string.GetHashCode does).</summary>
public static class TextHash
{
    /// <summary>FNV-1a over the text's characters.</summary>
    public static ulong Stable(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
