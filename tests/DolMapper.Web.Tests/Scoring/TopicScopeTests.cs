using System.Globalization;
using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>
/// Topic scope and market on a world built by hand: oncologists in the UK who talk about #bcsm and
/// engage each other's posts on it, and stars of a neighbouring specialty whose following comes from
/// their cardiology posts; one oncologist lives in Canada, one gives no location.
/// </summary>
public sealed class TopicScopeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTime Start = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    private static readonly ProfileDefinition OncologyUk = new()
    {
        Name = "Oncology UK (topic)",
        Hashtags = ["bcsm"],
        Countries = ["GB"],
        WindowDays = 365,
        MinHcpConfidence = 0.5,
        Weights = new Dictionary<string, double> { ["relevance"] = 0.25, ["hcp_following"] = 1, ["peer_trust"] = 1 },
    };

    /// <summary>The same questions read over everything each person does, with no market.</summary>
    private static readonly ProfileDefinition OncologyEverything = OncologyUk with { Name = "Oncology (everything)", Scope = ProfileDefinition.AllScope, LocatedInCountriesOnly = false };

    private static IEnumerable<string> World()
    {
        static string Account(string id, string name, string bio, string? location) =>
            JsonSerializer.Serialize(new { type = "account", platform = "x", id, handle = $"h{id}", name, bio, location, followers = 500, created_at = "2016-01-01T00:00:00Z" });
        var lines = new List<string>
        {
            Account("1", "Dr. Amy Stone, MD", "Medical oncologist. Breast cancer trials.", "London, UK"),
            Account("2", "Dr. Bob Reed, MD", "Medical oncologist, breast cancer care.", "Manchester, UK"),
            Account("3", "Dr. Cleo Hart, MD", "Interventional cardiologist.", "London, UK"),
            Account("4", "Dr. Dan Beat, MD", "Cardiologist. Heart failure clinic.", "Leeds, UK"),
            Account("5", "Dr. Eva Lind, MD", "Medical oncologist, breast cancer.", "Toronto, Canada"),
            Account("6", "Dr. Finn Moss, MD", "Medical oncologist.", null),
        };
        for (var c = 0; c < 5; c++)
        {
            lines.Add(Account($"{10 + c}", $"Dr. Cardio{c} Test, MD", "Cardiologist.", "Bristol, UK"));
        }
        var n = 0;
        string Post(string account, int day, string text, string[] tags, string? replyTo = null, string? replyToAccount = null) =>
            JsonSerializer.Serialize(new
            {
                type = "post", platform = "x", id = $"{account}-{++n}", account_id = account, created_at = Start.AddDays(day).ToString("O", CultureInfo.InvariantCulture),
                text, hashtags = tags, reply_to = replyTo is null ? null : new { post_id = replyTo, account_id = replyToAccount }, likes = 2,
            });
        // Amy and Bob talk #bcsm and reply to each other's #bcsm posts (replies without the tag: in the topic through what they answer).
        for (var i = 0; i < 20; i++)
        {
            lines.Add(Post("1", i, $"Trial readout {i} #bcsm", ["bcsm"]));
        }
        var amyPosts = n;
        for (var i = 0; i < 10; i++)
        {
            lines.Add(Post("2", 30 + i, $"Case discussion {i} #bcsm", ["bcsm"]));
            lines.Add(Post("2", 31 + i, $"Agree with you, Amy ({i})", [], replyTo: $"1-{i + 1}", replyToAccount: "1"));
            lines.Add(Post("1", 32 + i, $"Thanks Bob ({i})", [], replyTo: $"2-{amyPosts + 2 * i + 1}", replyToAccount: "2"));
        }
        // Cleo and Dan: cardiology posts, answered by five cardiologists; Dan also posts once on #bcsm.
        foreach (var star in new[] { "3", "4" })
        {
            for (var i = 0; i < 15; i++)
            {
                lines.Add(Post(star, 60 + i, $"Heart failure pearls {i} #cardiotwitter", ["cardiotwitter"]));
                var post = $"{star}-{n}";
                for (var c = 0; c < 5; c++)
                {
                    lines.Add(Post($"{10 + c}", 61 + i, $"Great pearl ({c}, {i})", [], replyTo: post, replyToAccount: star));
                }
            }
        }
        lines.Add(Post("4", 90, "Cardio-oncology matters too #bcsm", ["bcsm"]));
        // Eva (Canada) and Finn (no location) talk #bcsm too.
        for (var i = 0; i < 15; i++)
        {
            lines.Add(Post("5", 100 + i, $"From Toronto, trial {i} #bcsm", ["bcsm"]));
        }
        for (var i = 0; i < 5; i++)
        {
            lines.Add(Post("6", 120 + i, $"Reading {i} #bcsm", ["bcsm"]));
        }
        return lines;
    }

    /// <summary>
    /// The alternative to the topic graph, on this world: a PageRank over every engagement whose
    /// jumps go by relevant posts (docs/scoring.md has both measured on the demo world too). Here
    /// both keep Dan, the neighbouring star, far below Bob; the personalised one even more, since
    /// Dan's cardiology followers post nothing on the topic and so get no jumps to pass on.
    /// </summary>
    [Fact]
    public async Task Both_readings_of_peer_trust_in_the_topic_keep_a_neighbouring_star_below_the_topics_voices()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(World())).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        var personalised = OncologyUk with { Name = "Oncology UK (personalised PageRank)" };
        Assert.True((await scoring.SaveProfileAsync(OncologyUk)).Saved);
        Assert.True((await scoring.SaveProfileAsync(personalised)).Saved);
        Assert.All(await scoring.ScoreAsync(OncologyUk.Name), r => Assert.True(r.Complete, r.Message));
        Assert.All(await scoring.InScopeAsync(sp =>
        {
            var runner = sp.GetRequiredService<DolMapper.Web.Scoring.ScoringRunner>();
            runner.TopicPeerTrust = TopicPeerTrust.Personalised;
            return runner.RunAsync(personalised.Name, "test", null, CancellationToken.None);
        }), r => Assert.True(r.Complete, r.Message));

        async Task<double> PeerTrustRaw(string profile, string person) => Convert.ToDouble(await Sql.ScalarAsync(db.ConnectionString,
            $"SELECT s.peer_trust_raw FROM person_scores s JOIN persons p ON p.id = s.person_id JOIN scoring_runs r ON r.id = s.run_id JOIN scoring_profiles sp ON sp.id = r.profile_id WHERE sp.name = '{profile}' AND p.public_id = '{person}'"), CultureInfo.InvariantCulture);
        var topicGraph = await PeerTrustRaw(OncologyUk.Name, "x:4") / await PeerTrustRaw(OncologyUk.Name, "x:2");
        var personalisedShare = await PeerTrustRaw(personalised.Name, "x:4") / await PeerTrustRaw(personalised.Name, "x:2");
        Assert.True(topicGraph < 0.5, $"Dan/Bob peer trust in the topic graph {topicGraph:F3}");
        Assert.True(personalisedShare < 0.5, $"Dan/Bob peer trust personalised {personalisedShare:F3}");
    }

    [Fact]
    public async Task A_topic_profile_ranks_the_topics_voices_in_its_market_and_says_who_is_not_ranked_and_why()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        var report = await db.ImportAsync(World());
        Assert.True(report.Clean, report.ToText());
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(OncologyUk)).Saved);
        Assert.True((await scoring.SaveProfileAsync(OncologyEverything)).Saved);
        Assert.All(await scoring.ScoreAsync(), r => Assert.True(r.Complete, r.Message));
        Assert.Equal("CA", await Sql.ScalarAsync(db.ConnectionString, "SELECT country FROM persons WHERE public_id = 'x:5'"));

        async Task<long> RunOf(string profile) => (long)(await Sql.ScalarAsync(db.ConnectionString,
            $"SELECT r.id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id WHERE p.name = '{profile}' AND r.status = 'complete'"))!;
        async Task<Dictionary<string, int>> RanksOf(long run) =>
            (await Sql.ColumnAsync(db.ConnectionString, $"SELECT p.public_id || '=' || s.rank FROM person_scores s JOIN persons p ON p.id = s.person_id WHERE s.run_id = {run}"))
                .Select(x => x.Split('=')).ToDictionary(x => x[0], x => int.Parse(x[1], CultureInfo.InvariantCulture));
        var topicRun = await RunOf(OncologyUk.Name);
        var everythingRun = await RunOf(OncologyEverything.Name);
        var topic = await RanksOf(topicRun);
        var everything = await RanksOf(everythingRun);

        // Read over everything, Dan's cardiology following carries him past Bob; read in the topic it does not count.
        Assert.True(everything["x:4"] < everything["x:2"], $"over everything Dan ({everything["x:4"]}) should outrank Bob ({everything["x:2"]})");
        Assert.Equal(1, topic["x:1"]);
        Assert.True(topic["x:4"] > topic["x:2"], $"in the topic Bob ({topic["x:2"]}) should outrank Dan ({topic["x:4"]})");

        // Cleo never posted on the topic; Eva lives in Canada; Finn's location is unknown: none is ranked, each with the reason.
        Assert.DoesNotContain("x:3", topic.Keys);
        Assert.DoesNotContain("x:5", topic.Keys);
        Assert.DoesNotContain("x:6", topic.Keys);
        var reasons = (await Sql.ColumnAsync(db.ConnectionString, $"SELECT p.public_id || '=' || n.reason FROM person_not_ranked n JOIN persons p ON p.id = n.person_id WHERE n.run_id = {topicRun}"))
            .Select(x => x.Split('=')).ToDictionary(x => x[0], x => x[1]);
        Assert.Equal(NotRankedReasons.NoRelevantPost, reasons["x:3"]);
        Assert.Equal(NotRankedReasons.OutsideMarket, reasons["x:5"]);
        Assert.Equal(NotRankedReasons.UnknownLocation, reasons["x:6"]);
        Assert.Empty(await Sql.ColumnAsync(db.ConnectionString, $"SELECT person_id::text FROM person_not_ranked WHERE run_id = {everythingRun}"));

        // Dan's evidence keeps the in-topic and the overall figures side by side.
        var evidence = (string)(await Sql.ScalarAsync(db.ConnectionString,
            $"SELECT e.evidence::text FROM person_score_evidence e JOIN persons p ON p.id = e.person_id WHERE e.run_id = {topicRun} AND p.public_id = 'x:4'"))!;
        using var json = JsonDocument.Parse(evidence);
        var following = json.RootElement.GetProperty(Questions.HcpFollowing);
        Assert.Equal("topic", following.GetProperty("scope").GetString());
        Assert.Equal(0, following.GetProperty("hcp_engagers").GetInt32());
        Assert.Equal(5, following.GetProperty("overall").GetProperty("hcp_engagers").GetInt32());

        // The rankings page: the counts of who is not ranked, and a name search that finds Cleo with the reason.
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var page = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Rankings?profile={Uri.EscapeDataString(OncologyUk.Name)}"));
        Assert.Contains("data-testid=\"not-ranked\"", page);
        Assert.Contains("1 HCP whose location is unknown", page);
        Assert.Contains("1 HCP located outside the target countries", page);
        // Each row says why it is there, in words; the legend explains the questions, tier and geography.
        Assert.Contains("peer trust among HCPs on the topic: top", page);
        Assert.Contains("data-testid=\"legend\"", page);
        Assert.Contains("how much of their audience is in GB. Only people located there are ranked.", page);
        var search = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Rankings?profile={Uri.EscapeDataString(OncologyUk.Name)}&q=Cleo"));
        Assert.Contains("Nobody matches these filters", search);
        Assert.Contains("Dr. Cleo Hart, MD (GB) — <span class=\"text-muted\">no post on this profile's topic in the window", search);
        var unknown = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Rankings?profile={Uri.EscapeDataString(OncologyUk.Name)}&notranked=unknown_location"));
        Assert.Contains("Dr. Finn Moss, MD — <span class=\"text-muted\">location unknown", unknown);
        Assert.DoesNotContain("Dr. Eva Lind", unknown);

        // Dan's DOL page words both readings of the question.
        var dan = await Sql.ScalarAsync(db.ConnectionString, "SELECT id FROM persons WHERE public_id = 'x:4'");
        var dol = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Profiles/{dan}?profile={Uri.EscapeDataString(OncologyUk.Name)}"));
        Assert.Contains("On the topic: 0 HCPs and", dol);
        Assert.Contains("Over everything: 5 HCPs and", dol);
    }
}
