using DolMapper.Scoring;
using DolMapper.Web.Features.Rankings;

namespace DolMapper.Web.Tests.Features;

/// <summary>The rankings page's words for why a person is where they are.</summary>
public sealed class RankingWordsTests
{
    private static double[] Signals(params (string Key, double Value)[] values)
    {
        var signals = new double[Questions.Count];
        foreach (var (key, value) in values)
        {
            signals[Questions.IndexOf(key)] = value;
        }
        return signals;
    }

    [Fact]
    public void The_three_largest_contributions_are_named_with_the_persons_place()
    {
        var profile = new ProfileDefinition
        {
            Name = "Oncology UK", Hashtags = ["bcsm"], Countries = ["GB"],
            Weights = new Dictionary<string, double> { ["relevance"] = 1, ["peer_trust"] = 1, ["science"] = 0.5, ["geography"] = 0.5, ["presence"] = 0.1 },
        };
        var why = RankingWords.Why(Signals(("relevance", 0.9), ("peer_trust", 0.98), ("science", 0.5), ("geography", 0.95), ("presence", 1)), profile);
        // Points: peer trust 0.98, relevance 0.9, geography 0.475, science 0.25, presence 0.1 (each over the same total).
        Assert.Equal(["peer trust among HCPs on the topic: top 2%", "posts on the topic: top 10%", "audience in GB: top 5%"], why);
    }

    [Fact]
    public void A_negative_weight_reads_as_low_and_a_profile_over_everything_does_not_say_on_the_topic()
    {
        var newVoices = new ProfileDefinition
        {
            Name = "New voices", Hashtags = ["t1d"], Scope = ProfileDefinition.AllScope,
            Weights = new Dictionary<string, double> { ["relationship"] = -1, ["activity"] = 0.5 },
        };
        var why = RankingWords.Why(Signals(("relationship", 0), ("activity", 1)), newVoices);
        Assert.Equal(["no CRM relationship", "activity: top 1%"], why);
        Assert.Equal("international audience", RankingWords.Label(Questions.Geography, newVoices));
        Assert.Empty(RankingWords.Why(Signals(), null));
    }
}

/// <summary>The rankings rows write their "why" line without building strings; it must say what <see cref="RankingWords.Why"/> says.</summary>
public sealed class RankingWordsWrittenTests
{
    [Fact]
    public void The_written_why_line_says_the_same_as_the_words_for_any_signals_and_weights()
    {
        var random = new Random(7);
        var profile = new ProfileDefinition { Name = "Oncology UK", Hashtags = ["bcsm"], Countries = ["GB"], Weights = new Dictionary<string, double>() };
        for (var trial = 0; trial < 500; trial++)
        {
            var weights = new Dictionary<string, double>();
            foreach (var key in Questions.All)
            {
                // Zero, negative and tied weights all occur.
                weights[key] = random.Next(5) switch { 0 => 0, 1 => -0.5, 2 => 1, _ => Math.Round(random.NextDouble(), 1) };
            }
            var definition = profile with { Weights = weights };
            var signals = Questions.All.Select(_ => random.Next(4) == 0 ? 0 : Math.Round(random.NextDouble(), 2)).ToArray();
            var labels = Questions.All.Select(k => RankingWords.Label(k, definition)).ToArray();
            using var written = new StringWriter();
            RankingWords.WriteWhy(written, System.Text.Encodings.Web.HtmlEncoder.Default, signals, RankingWords.Weights(definition), labels);
            Assert.Equal(string.Join(" · ", RankingWords.Why(signals, definition)), System.Net.WebUtility.HtmlDecode(written.ToString()));
        }
    }

    [Fact]
    public void Ties_keep_the_questions_order_and_only_questions_that_give_points_count()
    {
        var weights = new double[Questions.Count];
        var signals = new double[Questions.Count];
        weights[Questions.IndexOf(Questions.Science)] = 1;
        weights[Questions.IndexOf(Questions.PeerTrust)] = 1;
        weights[Questions.IndexOf(Questions.Presence)] = 0.2;
        signals[Questions.IndexOf(Questions.Science)] = 0.5;
        signals[Questions.IndexOf(Questions.PeerTrust)] = 0.5;
        Span<int> top = stackalloc int[3];
        var found = RankingWords.Top(signals, weights, top);
        // Presence is weighted but the person has none of it: no points, not named.
        Assert.Equal(2, found);
        Assert.Equal([Questions.IndexOf(Questions.PeerTrust), Questions.IndexOf(Questions.Science)], top[..found].ToArray());
    }
}
