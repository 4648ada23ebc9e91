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
