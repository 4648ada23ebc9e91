namespace DolMapper.Scoring.Tests;

public sealed class SignalFormulaTests
{
    [Fact]
    public void Two_relevant_posts_of_two_do_not_outrank_two_hundred_of_two_hundred_and_twenty()
    {
        var few = SignalFormulas.Relevance(2, 2);
        var many = SignalFormulas.Relevance(200, 220);
        Assert.Equal(0.25 * Math.Log(3) / Math.Log(21), few, 12);
        Assert.Equal(201.0 / 230.0, many, 12);
        Assert.True(many > few);
        Assert.Equal(0, SignalFormulas.Relevance(0, 50));
    }

    [Fact]
    public void Two_of_two_does_not_outrank_two_hundred_of_220_in_a_whole_scoring_table()
    {
        var table = new ScoreTable(3);
        table.Set(0, 0, SignalFormulas.Relevance(2, 2));
        table.Set(0, 1, SignalFormulas.Relevance(200, 220));
        table.Set(0, 2, SignalFormulas.Relevance(5, 100));
        var weights = Weights.Create(new Dictionary<string, double> { ["relevance"] = 1 }, out _);
        var result = table.Compute(weights, [1, 2, 3]);
        Assert.Equal(1, result.Ranks[1]);
        Assert.True(result.Ranks[0] > result.Ranks[1]);
    }

    [Fact]
    public void Activity_rewards_conversation_and_steadiness_not_volume_alone()
    {
        // 52 posts in one week vs 52 posts over 52 weeks, half replies.
        var burst = SignalFormulas.ActivityComposite(52, 0, 1, 364);
        var steady = SignalFormulas.ActivityComposite(52, 26, 52, 364);
        Assert.True(steady > burst);
        Assert.Equal(1.0, SignalFormulas.PostsPerWeek(52, 364), 12);
        Assert.Equal(0.75, steady, 12);
    }

    [Fact]
    public void Relationship_values_decay_after_three_years()
    {
        var snapshot = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(1.0, SignalFormulas.Relationship("advisory_board", new DateOnly(2025, 1, 1), snapshot));
        Assert.Equal(0.5, SignalFormulas.Relationship("advisory_board", new DateOnly(2020, 1, 1), snapshot));
        Assert.Equal(0.8, SignalFormulas.Relationship("speaker", null, snapshot));
        Assert.Equal(0, SignalFormulas.Relationship("none", null, snapshot));
        Assert.Equal(0, SignalFormulas.Relationship(null, null, snapshot));
    }

    [Fact]
    public void Science_is_zero_without_evidence_and_grows_with_each_kind_of_evidence()
    {
        Assert.Equal(0, SignalFormulas.Science(0, 100, 0, 0));
        var links = SignalFormulas.Science(20, 100, 0, 0);
        Assert.Equal(10.0 * 21 / 110, links, 12);
        Assert.Equal(links + 0.5, SignalFormulas.Science(20, 100, 2, 0), 12);
        Assert.Equal(links + Math.Log(4), SignalFormulas.Science(20, 100, 0, 3), 12);
    }

    [Fact]
    public void Geography_fit_counts_engagers_in_the_targets_and_the_persons_own_country()
    {
        Assert.Equal(9.0 / 11.0, SignalFormulas.GeographyFit(8, 10, true), 12);
        Assert.Equal(8.0 / 11.0, SignalFormulas.GeographyFit(8, 10, false), 12);
        Assert.Equal(0, SignalFormulas.GeographyFit(0, 0, false));
        Assert.Equal("local", SignalFormulas.GeographyLabel(9, 10));
        Assert.Equal("national", SignalFormulas.GeographyLabel(6, 10));
        Assert.Equal("global", SignalFormulas.GeographyLabel(3, 10));
        Assert.Equal(Math.Log(2), SignalFormulas.CountryEntropy([5, 5]), 12);
    }

    [Fact]
    public void Presence_weighs_breadth_completeness_and_age_alike()
    {
        Assert.Equal(1.0 / 3 + 0.5 + 0.4, SignalFormulas.Presence(1, 0.5, 2), 12);
        // A fourth platform adds nothing past three; a second is worth what a filled half profile is.
        Assert.Equal(3, SignalFormulas.Presence(5, 1, 12), 12);
        Assert.Equal(SignalFormulas.Presence(1, 5.0 / 6, 0), SignalFormulas.Presence(2, 0.5, 0), 12);
    }

    [Fact]
    public void Home_bias_sets_the_home_share_against_the_fields_so_a_large_country_is_not_local_for_being_large()
    {
        // Half of 100 partners at home: for a US physician (45% of the field is American) a little
        // local, for an Irish one (1% of the field) a local voice.
        var us = SignalFormulas.HomeBias(50, 100, 0.5, 0.45);
        var ireland = SignalFormulas.HomeBias(50, 100, 0.5, 0.01);
        Assert.Equal((0.5 - 0.45) / 0.55, us, 12);
        Assert.True(ireland > 0.49 && ireland > 5 * us);
        // Talking with the world as the field does is no home bias; less at home than the field is below 0.
        Assert.Equal(0, SignalFormulas.HomeBias(45, 100, 0.45, 0.45), 12);
        Assert.True(SignalFormulas.HomeBias(0, 100, 0.45, 0.45) < 0);
        // Three partners say little: the typical home share speaks for five.
        Assert.Equal((3 + 5 * 0.2) / 8.0 - 0.1, SignalFormulas.HomeBias(3, 3, 0.2, 0.1) * 0.9, 12);
    }

    [Fact]
    public void Community_is_the_share_of_activity_that_goes_to_patient_communities()
    {
        Assert.Equal(100.0 * (4 + 0.5 * 10 + 0.25 * 8) / (30 + 50), SignalFormulas.Community(4, 10, 8, 30, 50), 12);
        Assert.Equal(0, SignalFormulas.Community(0, 0, 0, 0, 0));
        Assert.Equal(0, SignalFormulas.Community(0, 0, 0, 10, 10));
    }

    [Fact]
    public void Public_influence_adds_log_followers_public_engagement_and_reach_per_post()
    {
        var expected = 0.5 * Math.Log(1001) + Math.Log(1 + 2.0) + Math.Log(1 + 3.0);
        Assert.Equal(expected, SignalFormulas.PublicInfluence(1000, 40, 50, 8, 2, 20), 12);
        Assert.Equal(0, SignalFormulas.PublicInfluence(0, 0, 0, 0, 0, 5));
    }

    [Fact]
    public void Tiers_follow_the_rank_and_each_holds_someone()
    {
        Assert.Equal("1%", Tiers.For(1, 1000));
        Assert.Equal("1%", Tiers.For(10, 1000));
        Assert.Equal("5%", Tiers.For(11, 1000));
        Assert.Equal("20%", Tiers.For(200, 1000));
        Assert.Equal("—", Tiers.For(201, 1000));
        Assert.Equal("1%", Tiers.For(1, 5));
        Assert.Equal("5%", Tiers.For(2, 5));
        Assert.Equal("20%", Tiers.For(3, 5));
        Assert.Equal("—", Tiers.For(4, 5));
    }

    [Fact]
    public void Topic_expansion_keeps_frequent_high_lift_tags_only()
    {
        var counts = new[]
        {
            new TagCount("bcsm", 500, 500),
            new TagCount("metastaticbreastcancer", 60, 50),   // lift (50/500)/(60/10000) = 16.7
            new TagCount("medtwitter", 3000, 160),            // lift (160/500)/(3000/10000) = 1.07
            new TagCount("rare", 12, 12),                     // too few
        };
        var expansion = TopicExpansion.Expand(["bcsm"], counts, 10_000, 500);
        var only = Assert.Single(expansion);
        Assert.Equal("metastaticbreastcancer", only.Tag);
        Assert.Equal(50.0 / 500 / (60.0 / 10000), only.Lift, 9);
    }

    [Theory]
    [InlineData("ASCO26", true)]
    [InlineData("esmo2026", true)]
    [InlineData("AANAM", true)]
    [InlineData("ERSCongress", true)]
    [InlineData("IDWeek2026", true)]
    [InlineData("endo", false)]
    [InlineData("chest", false)]
    [InlineData("oncology", false)]
    public void Congress_hashtags_need_a_year_unless_distinctive(string tag, bool expected) =>
        Assert.Equal(expected, ScoringVocabulary.IsCongressHashtag(tag));

    [Theory]
    [InlineData("https://doi.org/10.1000/xyz", true)]
    [InlineData("https://www.nejm.org/doi/full/10.1056/x", true)]
    [InlineData("http://pubmed.ncbi.nlm.nih.gov/123/", true)]
    [InlineData("https://www.medrxiv.org/content/1", true)]
    [InlineData("https://notdoi.org.example.com/x", false)]
    [InlineData("https://bit.ly/abc", false)]
    [InlineData("https://www.cnn.com/health", false)]
    public void Scholarly_links_are_recognised_by_host(string url, bool expected) =>
        Assert.Equal(expected, ScoringVocabulary.IsScholarlyUrl(url));

    [Fact]
    public void A_share_read_in_the_topic_leans_on_the_persons_overall_share_until_the_topic_speaks_for_itself()
    {
        // Three relevant posts without a link, from someone who links to papers in half of 200 posts.
        var (part, whole) = SignalFormulas.InTopicShare(0, 3, 100, 200);
        Assert.Equal(5.0 / 13.0, part / whole, 12);
        Assert.True(SignalFormulas.Science(part, whole, 0, 0) > 0);
        // Two hundred relevant posts without a link outweigh the prior.
        var (many, of) = SignalFormulas.InTopicShare(0, 200, 100, 200);
        Assert.True(many / of < 0.03);
        // No overall record: the topic's own figures.
        Assert.Equal((2.0, 4.0), SignalFormulas.InTopicShare(2, 4, 0, 0));
        Assert.Equal(SignalFormulas.Community(4, 10, 8, 30, 50), SignalFormulas.CommunityShare(SignalFormulas.CommunityWork(4, 10, 8), 80), 12);
    }

    [Fact]
    public void A_bot_texts_key_sets_aside_links_tags_mentions_digits_and_spaces_so_varied_links_repeat()
    {
        var one = SignalFormulas.BotTextKey("Earn $500 today!! https://spam.example/a1 #Deal @Someone 24/7");
        var other = SignalFormulas.BotTextKey("earn $77 TODAY!!  https://spam.example/zz9 #déal_2 @ÄnotherOne 1/1");
        Assert.Equal("earn$today!!/", one);
        Assert.Equal(one, other);
        Assert.NotEqual(one, SignalFormulas.BotTextKey("Our new trial results are out"));
        Assert.Equal("", SignalFormulas.BotTextKey(null));
        // 50 texts, 10 distinct once set aside: 80% repeat another.
        Assert.Equal(0.8, SignalFormulas.RepeatedShare(10, 50), 12);
        Assert.Equal(0, SignalFormulas.RepeatedShare(0, 0));
    }
}
