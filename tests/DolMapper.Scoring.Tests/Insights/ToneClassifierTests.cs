using DolMapper.Scoring.Insights;
using Xunit.Abstractions;

namespace DolMapper.Scoring.Tests.Insights;

public sealed class ToneClassifierTests(ITestOutputHelper output)
{
    [Fact]
    public void Held_out_the_tone_classifier_reaches_macro_f1_07()
    {
        var corpus = ToneExample.Corpus();
        foreach (var tone in Tone.All)
        {
            Assert.True(corpus.Count(e => e.Tone == tone) >= 50, $"too few {tone} posts to judge");
        }
        Assert.Equal(6, corpus.Select(e => e.Language).Distinct().Count());
        var evaluation = ToneClassifier.Evaluate(corpus);
        output.WriteLine($"macro-F1 {evaluation.MacroF1:F3} (lowest fold {evaluation.LowestFoldMacroF1:F3}); " + string.Join(", ", evaluation.F1.Select(p => $"{p.Key} {p.Value:F3}")));
        Assert.True(evaluation.MacroF1 >= 0.7, $"macro-F1 {evaluation.MacroF1:F3}");
    }

    [Fact]
    public void On_rows_written_apart_and_never_trained_on_the_tone_classifier_reaches_macro_f1_07()
    {
        // The independent rows measure what the folds overstate (README): each file apart, then both.
        foreach (var file in new[] { "tone-test.tsv", "tone-test-2.tsv" })
        {
            var one = ToneClassifier.Test(file);
            output.WriteLine($"{file}: macro-F1 {one.MacroF1:F3} on {one.Examples} rows; " + string.Join(", ", one.F1.Select(p => $"{p.Key} {p.Value:F3}")));
            Assert.True(one.MacroF1 >= 0.6, $"{file}: macro-F1 {one.MacroF1:F3}");
        }
        var test = ToneClassifier.Test();
        output.WriteLine($"both: macro-F1 {test.MacroF1:F3} on {test.Examples} rows; " + string.Join(", ", test.F1.Select(p => $"{p.Key} {p.Value:F3}")));
        Assert.True(test.Examples >= 100);
        foreach (var tone in Tone.All)
        {
            Assert.True(test.F1[tone] >= 0.55, $"{tone}: F1 {test.F1[tone]:F3}");
        }
        Assert.True(test.MacroF1 >= 0.7, $"macro-F1 {test.MacroF1:F3}");
    }

    [Fact]
    public void Unseen_posts_about_a_product_get_their_tone()
    {
        var classifier = ToneClassifier.Train();
        Assert.Equal(Tone.Positive, classifier.Classify("Really pleased with {P} so far, my patients tolerate it well and respond."));
        Assert.Equal(Tone.Negative, classifier.Classify("Disappointed again: {P} caused severe toxicity and we had to stop."));
        Assert.Equal(Tone.Neutral, classifier.Classify("The {P} dosing table is in the prescribing information, link below."));
        Assert.Equal(Tone.Neutral, classifier.Classify(""));
    }

    [Fact]
    public void Every_corpus_post_is_distinct_labelled_and_names_the_product_by_the_placeholder()
    {
        var corpus = ToneExample.Corpus();
        Assert.All(corpus, e => Assert.Contains(e.Tone, Tone.All));
        Assert.All(corpus, e => Assert.Contains(ToneClassifier.Placeholder, e.Text));
        var duplicates = corpus.GroupBy(e => e.Text).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, string.Join(" | ", duplicates));
    }
}
