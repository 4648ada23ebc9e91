using DolMapper.Scoring.Insights;
using Xunit.Abstractions;

namespace DolMapper.Scoring.Tests.Insights;

public sealed class ConcernClassifierTests(ITestOutputHelper output)
{
    [Fact]
    public void Held_out_the_classifier_finds_concerns_with_precision_08_at_recall_06()
    {
        var corpus = ConcernExample.Corpus();
        Assert.True(corpus.Count(e => e.Concern) >= 100 && corpus.Count(e => !e.Concern) >= 100, "the corpus is too small to judge");
        Assert.Equal(6, corpus.Select(e => e.Language).Distinct().Count());
        var evaluation = ConcernClassifier.Evaluate(corpus);
        output.WriteLine($"{evaluation}");
        Assert.True(evaluation.Precision >= 0.8, $"precision {evaluation.Precision:F3}");
        Assert.True(evaluation.Recall >= 0.6, $"recall {evaluation.Recall:F3}");
    }

    [Fact]
    public void Unseen_posts_asking_for_help_are_concerns_and_announcements_are_not()
    {
        var classifier = ConcernClassifier.Train();
        Assert.True(classifier.IsConcern("Anyone else seeing delays getting biologics approved? Our patients wait weeks."));
        Assert.True(classifier.IsConcern("We need a better way to reach patients in rural areas."));
        Assert.False(classifier.IsConcern("Congratulations to the whole team on the new paper in Lancet!"));
        Assert.False(classifier.IsConcern("Who else is heading to the diabetes congress next week? See you there!"));
        Assert.Equal(0, classifier.Probability(""));
    }

    [Fact]
    public void The_corpus_has_no_duplicate_posts()
    {
        var corpus = ConcernExample.Corpus();
        var duplicates = corpus.GroupBy(e => e.Text).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, string.Join(" | ", duplicates));
    }
}
