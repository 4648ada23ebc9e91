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
    [InlineData("""{"name":"x","scope":"topic","weights":{"activity":1}}""", "scope is \"topic\" but the profile has no hashtags or keywords")]
    [InlineData("""{"name":"x","hashtags":["a"],"scope":"everything","weights":{"relevance":1}}""", "scope is 'everything'")]
    [InlineData("""{"name":"x","hashtags":["a"],"scope":1,"weights":{"relevance":1}}""", "'scope' must be")]
    [InlineData("""{"name":"x","hashtags":["a"],"located_in_countries_only":true,"weights":{"relevance":1}}""", "located_in_countries_only is true but 'countries' is empty")]
    [InlineData("""{"name":"x","hashtags":["a"],"located_in_countries_only":"yes","weights":{"relevance":1}}""", "'located_in_countries_only' must be true or false")]
    [InlineData("""{"name":"x","hashtags":["a"],"countries":["GB","ZZ"],"weights":{"relevance":1}}""", "countries: 'ZZ' is not an ISO")]
    public void Bad_profiles_get_a_clear_message(string json, string expected)
    {
        var profiles = ProfileDefinition.ParseMany(json, out var problems);
        Assert.Empty(profiles);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Scope_and_market_default_from_the_topic_and_the_countries_and_round_trip()
    {
        var contract = Assert.Single(ProfileDefinition.ParseMany(Contract, out _));
        Assert.Equal(ProfileDefinition.TopicScope, contract.EffectiveScope);
        Assert.True(contract.MarketOnly);
        Assert.Contains("\"scope\": \"topic\"", contract.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"located_in_countries_only\": true", contract.ToJson(), StringComparison.Ordinal);

        // A general-awareness profile: no topic, every question over everything a person does.
        var awareness = Assert.Single(ProfileDefinition.ParseMany("""{"name":"Awareness","countries":["GB"],"located_in_countries_only":false,"weights":{"public_influence":1}}""", out var problems));
        Assert.Empty(problems);
        Assert.Equal(ProfileDefinition.AllScope, awareness.EffectiveScope);
        Assert.False(awareness.MarketOnly);
        var again = Assert.Single(ProfileDefinition.ParseMany(awareness.ToJson(), out var none));
        Assert.Empty(none);
        Assert.True(awareness.SameAs(again));

        // A change of scope is a change of the profile (a new version), and says so.
        var wide = contract with { Scope = ProfileDefinition.AllScope };
        Assert.False(contract.SameAs(wide));
        Assert.Contains(wide.ChangesFrom(contract), c => c.Field == "scope" && c.Before == "topic" && c.After == "all");
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
