using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace DolMapper.Scoring.Hcp;

/// <summary>Training settings (the defaults are the ones docs/scoring.md reports).</summary>
/// <param name="L2Regularization">SDCA's L2 penalty.</param>
/// <param name="CharNgramLength">Character n-gram length for name and bio (0: words only).</param>
public sealed record HcpTrainingOptions(float L2Regularization = 1e-5f, int CharNgramLength = 2);

/// <summary>What the classifier says about one profile.</summary>
/// <param name="Label">The most likely class (<see cref="HcpLabels"/>).</param>
/// <param name="Confidence">The probability of <paramref name="Label"/>.</param>
/// <param name="HcpProbability">The probability that the profile is a healthcare professional (the HCP classes summed).</param>
/// <param name="Specialty">For physicians, the specialty the profile names (<see cref="SpecialtyLexicon"/>).</param>
/// <param name="SpecialtyTerm">The words that named the specialty.</param>
/// <param name="Terms">The words that pushed most towards <paramref name="Label"/>, strongest first.</param>
/// <param name="Uninformative">True when the profile has almost no bio and none of it names a role, so the call rests on the name (a credential or emoji at most) and the prior; behaviour may then add the person (docs/scoring.md).</param>
public sealed record HcpPrediction(string Label, double Confidence, double HcpProbability, string? Specialty, string? SpecialtyTerm, IReadOnlyList<string> Terms, bool Uninformative = false);

/// <summary>
/// The HCP classifier (docs/scoring.md, "HCP identification"): a multiclass maximum-entropy model (ML.NET, SDCA) over the
/// display name, the bio (word and character n-grams each) and the handle (character n-grams).
/// The name is featurised apart from the bio so "Jane Doe, MD" and "Baltimore, MD" are different
/// evidence. Linear on purpose: each prediction is explained by the n-grams that carried it.
/// </summary>
public sealed class HcpClassifier
{
    private const int Seed = 20261101;
    private readonly MLContext _ml;
    private readonly ITransformer _featurizer;
    private readonly MaximumEntropyModelParameters _model;
    private readonly string[] _labels;
    private readonly string[] _slotNames;
    private readonly VBuffer<float>[] _weights;

    private readonly ITransformer _chain;
    private readonly DataViewSchema _inputSchema;

    private HcpClassifier(MLContext ml, ITransformer featurizer, ITransformer chain, MaximumEntropyModelParameters model, string[] labels, DataViewSchema featurizedSchema, DataViewSchema inputSchema)
    {
        _ml = ml;
        _featurizer = featurizer;
        _chain = chain;
        _inputSchema = inputSchema;
        _model = model;
        _labels = labels;
        VBuffer<ReadOnlyMemory<char>> names = default;
        featurizedSchema["Features"].GetSlotNames(ref names);
        _slotNames = [.. names.DenseValues().Select(n => n.ToString())];
        _weights = [];
        _model.GetWeights(ref _weights, out _);
    }

    /// <summary>The classes, in the model's order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    private sealed class Row
    {
        public string Label { get; set; } = "";
        public string Name { get; set; } = "";
        public string Bio { get; set; } = "";
        public string Handle { get; set; } = "";
        public string Cues { get; set; } = "";
    }

    private sealed class Featurized
    {
        [VectorType]
        public VBuffer<float> Features { get; set; }
    }

    private static Row ToRow(string label, string? name, string? handle, string? bio) => new()
    {
        Label = label, Name = name ?? "", Bio = bio ?? "", Handle = SplitHandle(handle ?? ""), Cues = HcpCues.Extract(name, bio),
    };

    private static IEstimator<ITransformer> FeaturePipeline(MLContext ml, HcpTrainingOptions options)
    {
        var words = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = options.CharNgramLength == 0 ? null : new WordBagEstimator.Options { NgramLength = options.CharNgramLength, UseAllLengths = false },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var handle = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            WordFeatureExtractor = null,
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var cues = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.None,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1 },
            CharFeatureExtractor = null,
            Norm = TextFeaturizingEstimator.NormFunction.None,
        };
        return ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Row.Label))
            .Append(ml.Transforms.Text.FeaturizeText("NameFeatures", words, nameof(Row.Name)))
            .Append(ml.Transforms.Text.FeaturizeText("BioFeatures", words, nameof(Row.Bio)))
            .Append(ml.Transforms.Text.FeaturizeText("HandleFeatures", handle, nameof(Row.Handle)))
            .Append(ml.Transforms.Text.FeaturizeText("CueFeatures", cues, nameof(Row.Cues)))
            .Append(ml.Transforms.Concatenate("Features", "NameFeatures", "BioFeatures", "HandleFeatures", "CueFeatures"));
    }

    /// <summary>Trains on <paramref name="examples"/> (at least two classes).</summary>
    public static HcpClassifier Train(IEnumerable<HcpExample> examples, HcpTrainingOptions? options = null)
    {
        options ??= new HcpTrainingOptions();
        var ml = new MLContext(seed: Seed);
        var rows = new List<Row>();
        foreach (var e in examples)
        {
            rows.Add(ToRow(e.Label, e.Name, e.Handle, e.Bio));
            // Many real profiles show a name and nothing else. When the name alone says something
            // — a credential ("Jess Thompson MD PhD", "Hiroshi Martin, RPh"), a title ("Prof. Lena
            // Wolf"), a health emoji ("Sam Ortiz 💊") — train on that view too, so an empty bio is
            // not taken for evidence against what the name says.
            var nameCues = HcpCues.Extract(e.Name, null);
            if (e.Bio.Length > 0 && nameCues.Contains("credentialname", StringComparison.Ordinal))
            {
                rows.Add(ToRow(e.Label, e.Name, e.Handle, ""));
            }
        }
        if (rows.Select(r => r.Label).Distinct().Count() < 2)
        {
            throw new ArgumentException("Training needs examples of at least two classes.", nameof(examples));
        }
        var data = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = "LabelKey",
            FeatureColumnName = "Features",
            L2Regularization = options.L2Regularization,
            MaximumNumberOfIterations = 200,
            NumberOfThreads = 1,
        });
        // SDCA passes over the data many times: the featurized rows are cached once rather than
        // featurized again on every pass (same model, a fraction of the time).
        var chain = FeaturePipeline(ml, options).AppendCacheCheckpoint(ml).Append(trainer).Fit(data);
        return FromChain(ml, chain, data.Schema);
    }

    private static HcpClassifier FromChain(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        var parts = model is IEnumerable<ITransformer> chain ? chain.ToList() : [];
        if (parts.Count < 2 || parts[^1] is not MulticlassPredictionTransformer<MaximumEntropyModelParameters> predictor)
        {
            throw new InvalidDataException("The stored model is not an HCP classifier.");
        }
        var featurizer = new TransformerChain<ITransformer>([.. parts.Take(parts.Count - 1)]);
        var featurizedSchema = featurizer.GetOutputSchema(inputSchema);
        return new HcpClassifier(ml, featurizer, model, predictor.Model, LabelOrder(featurizedSchema), featurizedSchema, inputSchema);
    }

    private static string[] LabelOrder(DataViewSchema schema)
    {
        VBuffer<ReadOnlyMemory<char>> keys = default;
        schema["LabelKey"].GetKeyValues(ref keys);
        return [.. keys.DenseValues().Select(k => k.ToString())];
    }

    /// <summary>Classifies one profile.</summary>
    public HcpPrediction Predict(string? name, string? handle, string? bio) => PredictMany([(name, handle, bio)])[0];

    /// <summary>Classifies many profiles in one pass.</summary>
    public IReadOnlyList<HcpPrediction> PredictMany(IReadOnlyList<(string? Name, string? Handle, string? Bio)> profiles)
    {
        if (profiles.Count == 0)
        {
            return [];
        }
        var rows = profiles.Select(p => ToRow(_labels[0], p.Name, p.Handle, p.Bio)).ToList();
        var featurized = _featurizer.Transform(_ml.Data.LoadFromEnumerable(rows));
        var vectors = _ml.Data.CreateEnumerable<Featurized>(featurized, reuseRowObject: false).Select(f => f.Features).ToList();
        var results = new List<HcpPrediction>(rows.Count);
        var logits = new double[_labels.Length];
        var biases = _model.GetBiases().ToArray();
        for (var i = 0; i < vectors.Count; i++)
        {
            var x = vectors[i];
            for (var k = 0; k < _labels.Length; k++)
            {
                logits[k] = Dot(_weights[k], x);
            }
            for (var k = 0; k < _labels.Length; k++)
            {
                logits[k] += biases[k];
            }
            var probabilities = Softmax(logits);
            var best = 0;
            for (var k = 1; k < probabilities.Length; k++)
            {
                if (probabilities[k] > probabilities[best])
                {
                    best = k;
                }
            }
            double hcp = 0;
            for (var k = 0; k < probabilities.Length; k++)
            {
                if (HcpLabels.IsHcp(_labels[k]))
                {
                    hcp += probabilities[k];
                }
            }
            var label = _labels[best];
            var specialty = label == HcpLabels.Physician ? SpecialtyLexicon.Find($"{profiles[i].Name} {profiles[i].Bio}") : null;
            // A profile with (almost) no bio rests on its name alone: "Nicole Rossi PhD", "Dr. Sean S.", "Ben Chen 🩺"
            // say too little to be sure either way, so behaviour gets a say (it can only add an HCP, never remove one).
            var uninformative = (profiles[i].Bio ?? "").Trim().Length < 20 && HcpCues.Extract(null, profiles[i].Bio).Length == 0;
            results.Add(new HcpPrediction(label, probabilities[best], Math.Min(1, hcp), specialty?.Key, specialty?.Term, TopTerms(x, best), uninformative));
        }
        return results;
    }

    private static double Dot(VBuffer<float> weights, VBuffer<float> x)
    {
        double sum = 0;
        var values = x.GetValues();
        if (x.IsDense)
        {
            for (var j = 0; j < values.Length; j++)
            {
                sum += values[j] * weights.GetItemOrDefault(j);
            }
            return sum;
        }
        var indices = x.GetIndices();
        for (var j = 0; j < indices.Length; j++)
        {
            sum += values[j] * weights.GetItemOrDefault(indices[j]);
        }
        return sum;
    }

    private static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var total = exp.Sum();
        return [.. exp.Select(e => e / total)];
    }

    /// <summary>
    /// The words and cues with the largest positive pull towards class <paramref name="k"/> relative
    /// to the average class (character n-grams count for the model but explain nothing to a reader).
    /// </summary>
    private List<string> TopTerms(VBuffer<float> x, int k)
    {
        var candidates = new List<(string Term, double Pull)>();
        var values = x.GetValues();
        var indices = x.IsDense ? null : x.GetIndices().ToArray();
        for (var j = 0; j < values.Length; j++)
        {
            var slot = indices is null ? j : indices[j];
            if (values[j] == 0)
            {
                continue;
            }
            double mean = 0;
            for (var c = 0; c < _weights.Length; c++)
            {
                mean += _weights[c].GetItemOrDefault(slot);
            }
            mean /= _weights.Length;
            var pull = values[j] * (_weights[k].GetItemOrDefault(slot) - mean);
            if (pull <= 0)
            {
                continue;
            }
            var (term, isWord) = Readable(_slotNames[slot]);
            if (term.Length > 0)
            {
                candidates.Add((term, pull));
            }
        }
        return [.. candidates.OrderByDescending(c => c.Pull).Select(c => c.Term).Distinct(StringComparer.Ordinal).Take(6)];
    }

    /// <summary>
    /// Turns a slot name ("BioFeatures.Word.breast|oncologist", "CueFeatures.cuedoctortitle") into
    /// "breast oncologist (bio)"; character n-grams explain nothing to a reader and give "".
    /// </summary>
    private static (string Term, bool IsWord) Readable(string slot)
    {
        var dot = slot.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return ("", false);
        }
        var source = slot[..dot];
        var rest = slot[(dot + 1)..];
        if (source == "CueFeatures")
        {
            return (HcpCues.Describe(rest.StartsWith("Word.", StringComparison.Ordinal) ? rest[5..] : rest), true);
        }
        if (!rest.StartsWith("Word.", StringComparison.Ordinal))
        {
            return ("", false);
        }
        var text = rest[5..].Replace('|', ' ').Trim();
        var where = source == "NameFeatures" ? "name" : "bio";
        return (text.Length == 0 ? "" : $"“{text}” ({where})", true);
    }

    /// <summary>"drjanedoe_md" → "drjanedoe md": underscores and digits split words; camel case too.</summary>
    internal static string SplitHandle(string handle)
    {
        var chars = new List<char>(handle.Length + 8);
        for (var i = 0; i < handle.Length; i++)
        {
            var c = handle[i];
            if (c is '_' or '.' or '-' or '@')
            {
                chars.Add(' ');
                continue;
            }
            if (i > 0 && char.IsUpper(c) && char.IsLower(handle[i - 1]))
            {
                chars.Add(' ');
            }
            chars.Add(c);
        }
        return new string([.. chars]);
    }

    /// <summary>Saves the model (an ML.NET zip: the featurizer and the linear model) to <paramref name="stream"/>.</summary>
    public void Save(Stream stream) => _ml.Model.Save(_chain, _inputSchema, stream);

    /// <summary>Loads a model written by <see cref="Save"/>.</summary>
    public static HcpClassifier Load(Stream stream)
    {
        var ml = new MLContext(seed: Seed);
        var model = ml.Model.Load(stream, out var schema);
        return FromChain(ml, model, schema);
    }
}
