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

    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Oncology",
        Hashtags = ["bcsm"],
        Weights = new Dictionary<string, double> { ["relevance"] = 1, ["peer_trust"] = 1 },
    };

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
}
