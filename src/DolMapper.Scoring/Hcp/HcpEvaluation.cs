namespace DolMapper.Scoring.Hcp;

/// <summary>Held-out figures of the HCP classifier (the targets of docs/scoring.md).</summary>
/// <param name="HcpAccuracy">Share of test profiles whose HCP-or-not call is right.</param>
/// <param name="MacroF1">Mean F1 over the classes present in the test set.</param>
/// <param name="PerClass">Precision, recall and support per class.</param>
/// <param name="SpecialtyAccuracy">Among test physicians with a labelled specialty, the share extracted correctly.</param>
/// <param name="TrainCount">Training profiles.</param>
/// <param name="TestCount">Held-out profiles.</param>
/// <param name="Errors">The misclassified test profiles: expected, predicted, name, bio.</param>
public sealed record HcpMetrics(
    double HcpAccuracy, double MacroF1, IReadOnlyDictionary<string, (double Precision, double Recall, int Support)> PerClass,
    double SpecialtyAccuracy, int TrainCount, int TestCount, IReadOnlyList<(string Expected, string Predicted, string Name, string Bio)> Errors);

/// <summary>Stratified held-out evaluation of <see cref="HcpClassifier"/>.</summary>
public static class HcpEvaluation
{
    /// <summary>
    /// Splits each class deterministically: a profile goes to the test set when a stable hash of its
    /// handle falls under <paramref name="testShare"/> — the same split on every machine and run.
    /// </summary>
    public static (List<HcpExample> Train, List<HcpExample> Test) Split(IEnumerable<HcpExample> examples, double testShare = 0.2, int salt = 1)
    {
        var train = new List<HcpExample>();
        var test = new List<HcpExample>();
        foreach (var e in examples)
        {
            (StableUnit(e.Handle, salt) < testShare ? test : train).Add(e);
        }
        return (train, test);
    }

    /// <summary>A value in [0, 1) from FNV-1a over the text (string.GetHashCode is randomised per process).</summary>
    internal static double StableUnit(string text, int salt)
    {
        var hash = 2166136261u ^ (uint)salt;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        hash ^= hash >> 15;
        hash *= 0x2c1b3c6du;
        hash ^= hash >> 12;
        return hash / 4294967296.0;
    }

    /// <summary>Trains on <paramref name="train"/> and measures on <paramref name="test"/>.</summary>
    public static HcpMetrics Evaluate(IReadOnlyList<HcpExample> train, IReadOnlyList<HcpExample> test, HcpTrainingOptions? options = null)
    {
        var model = HcpClassifier.Train(train, options);
        var predictions = model.PredictMany([.. test.Select(t => ((string?)t.Name, (string?)t.Handle, (string?)t.Bio))]);
        var hcpRight = 0;
        var specialtyTotal = 0;
        var specialtyRight = 0;
        var errors = new List<(string, string, string, string)>();
        var truePositive = HcpLabels.All.ToDictionary(l => l, _ => 0);
        var predicted = HcpLabels.All.ToDictionary(l => l, _ => 0);
        var actual = HcpLabels.All.ToDictionary(l => l, _ => 0);
        for (var i = 0; i < test.Count; i++)
        {
            var expected = test[i].Label;
            var got = predictions[i].Label;
            actual[expected]++;
            predicted[got]++;
            if (expected == got)
            {
                truePositive[got]++;
            }
            else
            {
                errors.Add((expected, got, test[i].Name, test[i].Bio));
            }
            if (HcpLabels.IsHcp(expected) == HcpLabels.IsHcp(got))
            {
                hcpRight++;
            }
            if (expected == HcpLabels.Physician && test[i].Specialty is not null)
            {
                specialtyTotal++;
                if (SpecialtyLexicon.Find($"{test[i].Name} {test[i].Bio}")?.Key == test[i].Specialty)
                {
                    specialtyRight++;
                }
            }
        }
        var perClass = new Dictionary<string, (double, double, int)>();
        var f1s = new List<double>();
        foreach (var label in HcpLabels.All.Where(l => actual[l] > 0))
        {
            var precision = predicted[label] == 0 ? 0 : (double)truePositive[label] / predicted[label];
            var recall = (double)truePositive[label] / actual[label];
            perClass[label] = (precision, recall, actual[label]);
            f1s.Add(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        }
        return new HcpMetrics((double)hcpRight / test.Count, f1s.Average(), perClass,
            specialtyTotal == 0 ? 1 : (double)specialtyRight / specialtyTotal, train.Count, test.Count, errors);
    }
}
