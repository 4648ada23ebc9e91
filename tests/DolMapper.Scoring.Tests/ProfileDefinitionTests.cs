using System.Text.Json;

namespace DolMapper.Scoring.Tests;

public sealed class ProfileDefinitionTests
{
    private const string Contract = """
        {"name":"Oncology - scientific exchange","hashtags":["bcsm","#Oncology"],"keywords":["breast cancer","HER2"],
         "countries":["US","gb"],"window_days":365,"min_hcp_confidence":0.6,
         "weights":{"relevance":1,"hcp_following":0.5,"peer_trust":1,"activity":0.5,"public_influence":0.25,
                    "presence":0.25,"relationship":0,"science":1,"geography":0.5,"community":0.25}}
        """;

    [Fact]
    public void The_contract_example_reads_and_round_trips()
    {
        var profiles = ProfileDefinition.ParseMany(Contract, out var problems);
        Assert.Empty(problems);
        var profile = Assert.Single(profiles);
        Assert.Equal(["bcsm", "oncology"], profile.Hashtags);
        Assert.Equal(["US", "GB"], profile.Countries);
        Assert.Equal(0.6, profile.MinHcpConfidence);
        Assert.True(profile.Active);
        var again = Assert.Single(ProfileDefinition.ParseMany(profile.ToJson(), out var none));
        Assert.Empty(none);
        Assert.True(profile.SameAs(again));
        Assert.Equal(1, again.Weights["science"]);
    }

    [Theory]
    [InlineData("""{"name":"x","weights":{"relevance":1}}""", "hashtag or keyword")]
    [InlineData("""{"name":"x","hashtags":["a"],"weights":{}}""", "All weights are zero")]
    [InlineData("""{"name":"x","hashtags":["a"],"weights":{"relevance":2}}""", "between -1 and 1")]
    [InlineData("""{"name":"x","hashtags":["a"],"weights":{"reach":1}}""", "not a question key")]
    [InlineData("""{"name":"x","hashtags":["a"],"countries":["XX"],"weights":{"relevance":1}}""", "'XX' is not an ISO")]
    [InlineData("""{"name":"x","hashtags":["a"],"window_days":3,"weights":{"relevance":1}}""", "between 7 and 730")]
    [InlineData("""{"hashtags":["a"],"weights":{"relevance":1}}""", "needs a 'name'")]
    [InlineData("""{"name":"x","hashtags":"a","weights":{"relevance":1}}""", "array of strings")]
    [InlineData("""{"name":"x",""", "Not valid JSON")]
    public void Bad_profiles_get_a_clear_message(string json, string expected)
    {
        var profiles = ProfileDefinition.ParseMany(json, out var problems);
        Assert.Empty(profiles);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_array_reads_every_good_profile_and_names_the_bad_one()
    {
        var json = "[" + Contract + """,{"name":"Bad","hashtags":["a"],"weights":{}}]""";
        var profiles = ProfileDefinition.ParseMany(json, out var problems);
        Assert.Single(profiles);
        Assert.Contains(problems, p => p.Contains("Bad", StringComparison.Ordinal) && p.Contains("All weights are zero", StringComparison.Ordinal));
    }

    [Fact]
    public void Negative_weights_are_allowed_and_written_back()
    {
        var profile = new ProfileDefinition { Name = "New voices", Hashtags = ["t1d"], Weights = new Dictionary<string, double> { ["relationship"] = -1, ["activity"] = 1 } };
        Assert.Empty(profile.Validate());
        using var doc = JsonDocument.Parse(profile.ToJson());
        Assert.Equal(-1, doc.RootElement.GetProperty("weights").GetProperty("relationship").GetDouble());
        Assert.Equal(0, doc.RootElement.GetProperty("weights").GetProperty("science").GetDouble());
    }
}
