using System.Net;
using DolMapper.Web.Demo;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>
/// The learned ranking on the demo world, with analysts' feedback simulated from the ground-truth
/// rule (traits, never signals) for analysts who value science and peer standing more than the
/// profile does, with noise.
/// </summary>
public sealed class LearnedRankingTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    /// <summary>
    /// What the analysts value, far enough from the profile's weights (community, science and public
    /// influence more, peer trust and relevance much less) that a ranking learned from their verdicts
    /// beats the weights by a margin; nearer them (science 1.5, community 1, relevance and peer trust
    /// 0.5) both ranked alike and which NDCG came out higher flipped between runs of the suite.
    /// </summary>
    private static readonly Dictionary<string, double> AnalystsValue = new()
    {
        ["relevance"] = 0.25, ["peer_trust"] = 0.25, ["science"] = 1.5, ["community"] = 2, ["public_influence"] = 1, ["activity"] = 0.25,
    };

    /// <summary>What the analysts value most (the implied weights should say so).</summary>
    private static string ValuedMost => AnalystsValue.MaxBy(p => p.Value).Key;

    private static async Task<string> AnalystAsync(string connection, string email)
    {
        var id = Guid.NewGuid().ToString();
        await Sql.ExecuteAsync(connection, $"""
            INSERT INTO users (id, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            VALUES ('{id}', now(), '{email}', upper('{email}'), '{email}', upper('{email}'), true, false, false, true, 0)
            """);
        return id;
    }

    [Fact]
    public async Task Too_little_feedback_then_enough_learned_beats_the_weights_on_held_out_feedback_and_new_feedback_moves_the_order()
    {
        var world = await ScoredDemoWorld.GetAsync(postgres);
        var connection = world.Scoring.ConnectionString;
        var profile = ExampleProfiles.OncologyScientificExchange;
        var profileId = (int)(await Sql.ScalarAsync(connection, $"SELECT id FROM scoring_profiles WHERE name = '{profile.Name}'"))!;
        var run = (long)(await Sql.ScalarAsync(connection, $"SELECT max(id) FROM scoring_runs WHERE profile_id = {profileId} AND status = 'complete'"))!;
        var analyst = await AnalystAsync(connection, $"analyst{Guid.NewGuid():N}@example.com");
        var learned = world.Scoring.Get<IServiceScopeFactory>().CreateScope().ServiceProvider.GetRequiredService<LearnedRanking>();

        var ids = (await Sql.ColumnAsync(connection, $"SELECT p.public_id || '|' || s.person_id FROM person_scores s JOIN persons p ON p.id = s.person_id WHERE s.run_id = {run}"))
            .Select(r => r.Split('|')).ToDictionary(r => r[0], r => long.Parse(r[1]));
        var expected = GroundTruth.ExpectedRanking(world.Truth.Where(t => ids.ContainsKey(t.PersonId)), AnalystsValue, ExampleProfiles.AreasOf(profile), profile.Countries, profile.TopicScoped, profile.MarketOnly);
        var random = new Random(17);
        // Analysts judge every third person of the run, with noise on the rule's score.
        var judged = expected.Where((_, i) => i % 3 == 0).Select(e => (e.Person, Noisy: e.Score + 0.06 * Normal(random))).ToList();
        var byNoisy = judged.OrderByDescending(j => j.Noisy).ToList();
        string Verdict(int position) => position < byNoisy.Count * 0.25 ? "good_fit" : position >= byNoisy.Count * 0.6 ? "not_a_fit" : "maybe";

        // A handful of verdicts is not enough: a clear message and no model.
        for (var i = 0; i < 10; i++)
        {
            await learned.GiveAsync(profileId, ids[byNoisy[i].Person.PersonId], analyst, Verdict(i), null, CancellationToken.None);
        }
        var tooFew = await learned.TrainAsync(profileId, CancellationToken.None);
        Assert.False(tooFew.Trained);
        Assert.Contains("Not enough feedback to learn from yet: 10 persons judged (10 good fits, 0 not a fit)", tooFew.Message);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM trained_models WHERE kind = 'ranker' AND profile_id = {profileId}"));

        for (var i = 10; i < byNoisy.Count; i++)
        {
            await learned.GiveAsync(profileId, ids[byNoisy[i].Person.PersonId], analyst, Verdict(i), null, CancellationToken.None);
        }
        var report = await learned.TrainAsync(profileId, CancellationToken.None);
        output.WriteLine(report.Message);
        Assert.True(report.Trained, report.Message);
        Assert.NotNull(report.LearnedNdcg);
        Assert.True(report.LearnedNdcg >= report.WeightedNdcg, $"learned {report.LearnedNdcg:0.000} < weighted {report.WeightedNdcg:0.000}");
        var state = await learned.StateAsync(profileId, CancellationToken.None);
        Assert.Equal(byNoisy.Count, state.Judged);
        // The analysts weigh community most: the weights their feedback implies give it more than the profile does.
        output.WriteLine("implied: " + string.Join(", ", state.ImpliedWeights.Select(p => $"{p.Key} {p.Value:P0}")));
        Assert.True(state.ImpliedWeights[ValuedMost] > state.ProfileShares[ValuedMost], $"{ValuedMost} implied {state.ImpliedWeights[ValuedMost]:P0} vs profile {state.ProfileShares[ValuedMost]:P0}");
        Assert.Equal(ValuedMost, state.ImpliedWeights.MaxBy(p => p.Value).Key);
        Assert.Equal(1.0, state.Importance.Values.Sum(), 3);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores WHERE run_id = {run} AND learned_rank IS NULL"));

        // The rankings offer it as a second ordering.
        await using (var app = await TestApp.StartAsync(connection))
        {
            var client = await app.SignInAsync(DolMapper.Web.Infrastructure.Auth.Roles.BrandManager);
            var page = WebUtility.HtmlDecode(await client.GetStringAsync($"/Rankings?profile={Uri.EscapeDataString(profile.Name)}&sort=learned"));
            var top = (long)(await Sql.ScalarAsync(connection, $"SELECT person_id FROM person_scores WHERE run_id = {run} AND person_id NOT IN (SELECT person_id FROM opted_out_persons()) ORDER BY learned_rank LIMIT 1"))!;
            var firstRow = System.Text.RegularExpressions.Regex.Match(page, "/Profiles/(\\d+)\\?profile=").Groups[1].Value;
            Assert.Equal(top.ToString(), firstRow);
            Assert.Contains("sorted by learned", page);
            Assert.Contains("learned from feedback", page);
            var learnedPage = WebUtility.HtmlDecode(await client.GetStringAsync($"/Rankings/Learned?profile={Uri.EscapeDataString(profile.Name)}"));
            Assert.Contains($"<strong>{byNoisy.Count}</strong> persons judged", learnedPage);
            Assert.Contains("data-testid=\"ndcg-learned\"", learnedPage);
            Assert.DoesNotContain("data-testid=\"retrain\"", learnedPage);

            // Feedback over HTTP: an analyst's verdict comes back marked; a brand manager may not give one.
            var analystClient = await app.SignInAsync(DolMapper.Web.Infrastructure.Auth.Roles.Analyst);
            var rankings = await analystClient.GetStringAsync($"/Rankings?profile={Uri.EscapeDataString(profile.Name)}");
            Assert.Contains("data-testid=\"feedback\"", rankings);
            var form = new Dictionary<string, string> { ["profile"] = profile.Name, ["person"] = $"{top}", ["verdict"] = "maybe" };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/Rankings?handler=Feedback") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("HX-Request", "true");
            request.Headers.Add("RequestVerificationToken", TestApp.AntiforgeryToken(await analystClient.GetStringAsync($"/Profiles/{top}?profile={Uri.EscapeDataString(profile.Name)}")));
            var marked = await (await analystClient.SendAsync(request)).Content.ReadAsStringAsync();
            Assert.Matches("aria-pressed=\"true\"[^>]*data-testid=\"feedback-maybe\"", marked);
            Assert.Equal("maybe", await Sql.ScalarAsync(connection, $"SELECT verdict FROM feedback WHERE person_id = {top} AND user_id = (SELECT id FROM users WHERE email = '{TestApp.Demo(DolMapper.Web.Infrastructure.Auth.Roles.Analyst).Email}')"));
            var brandForm = new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await client.GetStringAsync($"/Profiles/{top}?profile={Uri.EscapeDataString(profile.Name)}")) });
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/Rankings?handler=Feedback", brandForm)).StatusCode);
        }

        // The analyst disagrees with the learned top 10: after retraining, the order moves.
        var topTen = await Sql.ColumnAsync(connection, $"SELECT person_id::text FROM person_scores WHERE run_id = {run} ORDER BY learned_rank LIMIT 10");
        foreach (var person in topTen)
        {
            await learned.GiveAsync(profileId, long.Parse(person), analyst, "not_a_fit", "not for this brand", CancellationToken.None);
        }
        var retrained = await learned.TrainAsync(profileId, CancellationToken.None);
        Assert.True(retrained.Trained, retrained.Message);
        var newTopTen = await Sql.ColumnAsync(connection, $"SELECT person_id::text FROM person_scores WHERE run_id = {run} ORDER BY learned_rank LIMIT 10");
        output.WriteLine($"{topTen.Except(newTopTen).Count()} of the learned top 10 left it after the analyst marked them not a fit");
        Assert.True(topTen.Except(newTopTen).Count() >= 5);
        Assert.Equal(2, await Sql.CountAsync(connection, $"SELECT count(*) FROM trained_models WHERE kind = 'ranker' AND profile_id = {profileId}"));
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM trained_models WHERE kind = 'ranker' AND profile_id = {profileId} AND is_active"));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
