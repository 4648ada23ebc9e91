using System.Text.Json;
using DolMapper.Scoring.Hcp;

namespace DolMapper.Scoring.Tests;

/// <summary>The ten signals computed from small inputs built by hand: no database.</summary>
public sealed class SignalComputationTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Five persons with one X account each: two physicians, a nurse, a member of the public and an
    /// opted-out physician. Physician 0 posts most on the topic and is replied to by the other two
    /// HCPs and mentioned by the public account.
    /// </summary>
    private static ScoringInputs World()
    {
        string?[] professions = [HcpLabels.Physician, HcpLabels.Physician, HcpLabels.Public, HcpLabels.Nurse, HcpLabels.Physician];
        int[] posts = [10, 5, 3, 2, 4];
        int[] relevant = [8, 1, 0, 0, 4];
        const int n = 5;
        var inputs = new ScoringInputs
        {
            Snapshot = Now,
            From = Now.AddDays(-365),
            WindowDays = 365,
            WindowPosts = posts.Sum(),
            PersonIds = [.. Enumerable.Range(1, n).Select(i => (long)i)],
            PersonPublicIds = [.. Enumerable.Range(0, n).Select(i => $"x:{100 + i}")],
            PersonNames = ["Dr Ada", "Dr Ben", "Cy", "Dee RN", "Dr Eve"],
            Profession = professions,
            Specialty = ["medical_oncology", "cardiology", null, null, "medical_oncology"],
            HcpConfidence = [0.95, 0.9, 0.9, 0.8, 0.9],
            Country = ["GB", "GB", "GB", "US", "GB"],
            CountryConfidence = [1, 1, 1, 1, 1],
            Npi = new string?[n],
            OptedOut = [false, false, false, false, true],
            Uninformative = new bool[n],
            PersonIndex = Enumerable.Range(0, n).ToDictionary(i => (long)(i + 1), i => i),
            AccountIndex = Enumerable.Range(0, n).ToDictionary(i => (long)(100 + i), i => i),
            AccountPerson = [.. Enumerable.Range(0, n)],
            AccountPlatform = new byte[n],
            AccountFollowers = [1000, 300, 50, 80, 400],
            AccountCompleteness = [1, 0.8, 0.5, 0.6, 1],
            AccountCreated = new DateTime?[n],
            AccountBot = new bool[n],
            Posts = [.. Enumerable.Range(0, n).Select(i => new AccountPosts(100 + i, posts[i], 0, (1L << posts[i]) - 1, 0, Now.AddDays(-1), relevant[i], 0, 5 * posts[i], posts[i], 0))],
            RelevantByAccount = Enumerable.Range(0, n).ToDictionary(i => (long)(100 + i), i => relevant[i]),
            // reply from Ben to Ada, reply from Dee to Ada, mention of Ada by Cy.
            InteractionSource = [1, 3, 2],
            InteractionTarget = [0, 0, 0],
            InteractionKind = [0, 0, 2],
            InteractionCount = 3,
        };
        return inputs;
    }

    /// <summary>Every question read over everything a person does (scope <c>all</c>).</summary>
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Oncology",
        Hashtags = ["bcsm"],
        Scope = ProfileDefinition.AllScope,
        Weights = new Dictionary<string, double> { ["relevance"] = 1, ["peer_trust"] = 1 },
    };

    /// <summary>The same profile read in the topic (the default when it has hashtags).</summary>
    private static readonly ProfileDefinition TopicProfile = Profile with { Scope = null };

    [Fact]
    public void The_population_is_the_HCPs_with_posts_who_did_not_opt_out()
    {
        var run = SignalComputation.Compute(World(), Profile);
        Assert.Equal([0, 1, 3], run.Population.Order());
    }

    [Fact]
    public void The_physician_who_posts_on_the_topic_and_is_trusted_by_peers_ranks_first_with_evidence_for_each_question()
    {
        var inputs = World();
        var run = SignalComputation.Compute(inputs, Profile);
        var ada = Array.IndexOf(run.Population, 0);
        var ben = Array.IndexOf(run.Population, 1);
        Assert.Equal(1, run.Result.Ranks[ada]);

        var relevance = Questions.All.ToList().IndexOf("relevance");
        var peerTrust = Questions.All.ToList().IndexOf("peer_trust");
        Assert.True(run.Table.Raw[relevance][ada] > run.Table.Raw[relevance][ben], "Ada posts more on the topic than Ben");
        Assert.True(run.Table.Raw[peerTrust][ada] > run.Table.Raw[peerTrust][ben], "two HCPs replied to Ada, none to Ben");

        using var evidence = JsonDocument.Parse(run.Evidence(ada));
        Assert.All(Questions.All, q => Assert.True(evidence.RootElement.TryGetProperty(q, out _), $"no evidence for {q}"));
    }

    /// <summary>
    /// A repost of someone else's post carries no words, links or engagement of its own: it counts
    /// as activity, but the shares among a person's posts (relevance, science, reach per post) are
    /// shares of what they wrote themselves.
    /// </summary>
    [Fact]
    public void Reposts_of_others_posts_count_as_activity_but_do_not_dilute_the_shares_among_own_posts()
    {
        var plain = SignalComputation.Compute(World(), Profile);
        var inputs = World();
        // Ben also reposted 20 posts of others (none relevant, no links, no engagement of their own).
        var ben = inputs.Posts[1];
        inputs.Posts[1] = ben with { Posts = ben.Posts + 20, Shares = 20 };
        var sharing = SignalComputation.Compute(inputs, Profile);

        double Raw(ComputedRun run, string question) => run.Table.Raw[Questions.All.ToList().IndexOf(question)][Array.IndexOf(run.Population, 1)];
        Assert.Equal(Raw(plain, "relevance"), Raw(sharing, "relevance"));
        Assert.Equal(Raw(plain, "public_influence"), Raw(sharing, "public_influence"));
        Assert.Equal(Raw(plain, "science"), Raw(sharing, "science"));
        Assert.True(Raw(sharing, "activity") > Raw(plain, "activity"), "reposting is activity");

        using var evidence = JsonDocument.Parse(sharing.Evidence(Array.IndexOf(sharing.Population, 1)));
        var relevance = evidence.RootElement.GetProperty("relevance");
        Assert.Equal(5, relevance.GetProperty("posts").GetInt32());
        Assert.Equal(20, relevance.GetProperty("reposts").GetInt32());
    }

    [Fact]
    public void A_topic_scoped_profile_does_not_rank_an_HCP_without_a_relevant_post_and_says_why()
    {
        Assert.True(TopicProfile.TopicScoped);
        var run = SignalComputation.Compute(World(), TopicProfile);
        // Dee the nurse posted twice, never on the topic.
        Assert.Equal([0, 1], run.Population.Order());
        var dee = Assert.Single(run.NotRanked);
        Assert.Equal((3, NotRankedReasons.NoRelevantPost), (dee.Person, dee.Reason));
    }

    [Fact]
    public void A_market_profile_ranks_only_persons_located_in_its_countries_and_keeps_the_unknown_apart()
    {
        var inputs = World();
        // Ben's location could not be resolved with confidence.
        inputs.CountryConfidence[1] = 0.2;
        var run = SignalComputation.Compute(inputs, Profile with { Countries = ["GB"] });
        Assert.True((Profile with { Countries = ["GB"] }).MarketOnly);
        Assert.Equal([0], run.Population);
        Assert.Equal([(1, NotRankedReasons.UnknownLocation), (3, NotRankedReasons.OutsideMarket)], run.NotRanked.Select(x => (x.Person, x.Reason)).Order());

        // Turned off, the market ranks everyone again; geography still measures the audience.
        var open = SignalComputation.Compute(World(), Profile with { Countries = ["GB"], LocatedInCountriesOnly = false });
        Assert.Equal([0, 1, 3], open.Population.Order());
        Assert.Empty(open.NotRanked);
    }

    /// <summary>
    /// Ben is a star of another topic: in the topic-scoped reading only the engagements with and
    /// between relevant posts count, so the HCPs who reply to his off-topic posts do not follow him
    /// here, while Ada's in-topic replies do.
    /// </summary>
    [Fact]
    public void Topic_scoped_signals_count_only_the_topics_engagements_and_keep_the_overall_figures_beside_them()
    {
        ScoringInputs Star()
        {
            var inputs = World();
            // Ada replies to Ben twice off the topic; Dee replies to Ben off the topic; Ben replies to Ada on it.
            inputs.InteractionSource = [1, 3, 2, 0, 0, 3, 1];
            inputs.InteractionTarget = [0, 0, 0, 1, 1, 1, 0];
            inputs.InteractionKind = [0, 0, 2, 0, 0, 0, 0];
            inputs.InteractionInTopic = [true, true, true, false, false, false, true];
            inputs.InteractionCount = 7;
            inputs.TopicByAccount[100] = Topic(8, likes: 40);
            inputs.TopicByAccount[101] = Topic(1, likes: 1);
            return inputs;
        }
        var hcpFollowing = Questions.All.ToList().IndexOf(Questions.HcpFollowing);
        var publicInfluence = Questions.All.ToList().IndexOf(Questions.PublicInfluence);

        var overall = SignalComputation.Compute(Star(), Profile);
        var topic = SignalComputation.Compute(Star(), TopicProfile);
        int Index(ComputedRun run, int person) => Array.IndexOf(run.Population, person);

        // Over everything Ben has two HCP engagers (Ada, Dee); in the topic none.
        Assert.Equal(2, overall.Table.Raw[hcpFollowing][Index(overall, 1)]);
        Assert.Equal(0, topic.Table.Raw[hcpFollowing][Index(topic, 1)]);
        // Ada keeps her in-topic HCP engagers (Ben and Dee replied to her topic posts).
        Assert.Equal(2, topic.Table.Raw[hcpFollowing][Index(topic, 0)]);
        // Reach is read on the relevant posts' likes.
        Assert.True(topic.Table.Raw[publicInfluence][Index(topic, 0)] > topic.Table.Raw[publicInfluence][Index(topic, 1)]);

        using var evidence = JsonDocument.Parse(topic.Evidence(Index(topic, 1)));
        var following = evidence.RootElement.GetProperty(Questions.HcpFollowing);
        Assert.Equal("topic", following.GetProperty("scope").GetString());
        Assert.Equal(0, following.GetProperty("hcp_engagers").GetInt32());
        Assert.Equal(2, following.GetProperty("overall").GetProperty("hcp_engagers").GetInt32());
        // Questions that are not read in the topic carry no topic reading.
        Assert.False(evidence.RootElement.GetProperty(Questions.Presence).TryGetProperty("overall", out _));
        using var overallEvidence = JsonDocument.Parse(overall.Evidence(Index(overall, 1)));
        Assert.False(overallEvidence.RootElement.GetProperty(Questions.HcpFollowing).TryGetProperty("overall", out _));
    }

    private static TopicPosts Topic(int posts, long likes)
    {
        var topic = new TopicPosts();
        for (var i = 0; i < posts; i++)
        {
            topic.Add(i, reply: false, community: false, scholarly: false, likes: likes / posts, reposts: 0, quotes: 0);
        }
        return topic;
    }
}
