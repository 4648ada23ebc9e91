using DolMapper.Scoring.Hcp;
using Xunit.Abstractions;

namespace DolMapper.Scoring.Tests.Hcp;

public sealed class HcpClassifierTests(ITestOutputHelper output)
{
    [Fact]
    public void Corpus_has_at_least_1500_distinct_profiles_of_every_class()
    {
        var corpus = HcpCorpus.Load();
        Assert.True(corpus.Count >= 1500, $"{corpus.Count} profiles");
        Assert.Equal(corpus.Count, corpus.Select(c => c.Handle).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var label in HcpLabels.All)
        {
            Assert.True(corpus.Count(c => c.Label == label) >= 60, $"{label}: too few examples");
        }
        Assert.All(corpus.Where(c => c.Specialty is not null), c => Assert.Contains(SpecialtyLexicon.Entries, e => e.Key == c.Specialty));
    }

    [Fact]
    public void Held_out_split_meets_the_targets()
    {
        var metrics = TrainedOnce.DefaultSplit.Value;
        output.WriteLine($"train {metrics.TrainCount}, test {metrics.TestCount}; HCP accuracy {metrics.HcpAccuracy:F3}; macro-F1 {metrics.MacroF1:F3}; specialty {metrics.SpecialtyAccuracy:F3}");
        foreach (var (label, (p, r, n)) in metrics.PerClass)
        {
            output.WriteLine($"{label,-18} P {p:F2} R {r:F2} n {n}");
        }
        foreach (var e in metrics.Errors)
        {
            output.WriteLine($"  {e.Expected} → {e.Predicted}: {e.Name} | {e.Bio}");
        }
        Assert.True(metrics.HcpAccuracy >= 0.95, $"HCP accuracy {metrics.HcpAccuracy:F3}");
        Assert.True(metrics.PerClass[HcpLabels.Physician].Precision >= 0.9, "physician precision");
        Assert.True(metrics.PerClass[HcpLabels.Physician].Recall >= 0.9, "physician recall");
        Assert.True(metrics.MacroF1 >= 0.85, $"macro-F1 {metrics.MacroF1:F3}");
    }

    [Fact]
    public void Six_different_held_out_splits_meet_the_targets_on_average()
    {
        var corpus = HcpCorpus.Load();
        var runs = Enumerable.Range(1, 6).Select(salt =>
        {
            if (salt == 1)
            {
                return TrainedOnce.DefaultSplit.Value; // the default split is salt 1
            }
            var (train, test) = HcpEvaluation.Split(corpus, 0.2, salt);
            return HcpEvaluation.Evaluate(train, test);
        }).ToList();
        var hcp = runs.Average(r => r.HcpAccuracy);
        var f1 = runs.Average(r => r.MacroF1);
        var precision = runs.Average(r => r.PerClass[HcpLabels.Physician].Precision);
        var recall = runs.Average(r => r.PerClass[HcpLabels.Physician].Recall);
        output.WriteLine($"mean of 6 splits: HCP accuracy {hcp:F3} (min {runs.Min(r => r.HcpAccuracy):F3}), macro-F1 {f1:F3} (min {runs.Min(r => r.MacroF1):F3}), physician P {precision:F3} R {recall:F3}, specialty {runs.Average(r => r.SpecialtyAccuracy):F3}");
        Assert.True(hcp >= 0.95 && f1 >= 0.85 && precision >= 0.9 && recall >= 0.9);
    }

    [Fact]
    public void Saved_model_loads_and_predicts_the_same_with_its_reasons()
    {
        var model = TrainedOnce.WholeCorpus.Value;
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = HcpClassifier.Load(stream);
        var profiles = new (string?, string?, string?)[]
        {
            ("Jane Doe, MD", "drjanedoe", "Breast oncologist. Views my own."),
            ("Kelly Tran", "kellytran_md", "Baltimore, MD. Marketing manager. Crab cakes."),
            ("Dr. Sam Reed", "samreed_physics", "PhD in astrophysics. Not that kind of doctor."),
            ("Ana Ruiz", "anaruiz", "Enfermera de UCI en Madrid."),
        };
        var before = model.PredictMany(profiles);
        var after = loaded.PredictMany(profiles);
        for (var i = 0; i < profiles.Length; i++)
        {
            Assert.Equal(before[i].Label, after[i].Label);
            Assert.Equal(before[i].Confidence, after[i].Confidence, 6);
        }
        Assert.Equal(HcpLabels.Physician, before[0].Label);
        Assert.Equal("medical_oncology", before[0].Specialty);
        Assert.NotEmpty(before[0].Terms);
        Assert.True(before[0].HcpProbability > 0.5);
        Assert.Equal(HcpLabels.Public, before[1].Label);
        Assert.Equal(HcpLabels.Public, before[2].Label);
        Assert.Equal(HcpLabels.Nurse, before[3].Label);
        output.WriteLine(string.Join("\n", before.Select(b => $"{b.Label} {b.Confidence:F2} [{string.Join(", ", b.Terms)}]")));
    }
}

/// <summary>Models these tests share: each is trained once per test run, not once per test.</summary>
internal static class TrainedOnce
{
    public static readonly Lazy<HcpClassifier> WholeCorpus = new(() => HcpClassifier.Train(HcpCorpus.Load()));

    public static readonly Lazy<HcpMetrics> DefaultSplit = new(() =>
    {
        var (train, test) = HcpEvaluation.Split(HcpCorpus.Load());
        return HcpEvaluation.Evaluate(train, test);
    });
}
