using DolMapper.Web.Demo;
using DolMapper.Web.Scoring;
using DolMapper.Web.Tests.Scoring;
using Xunit.Abstractions;

namespace DolMapper.Web.Tests.Insights;

/// <summary>The demo world's planted trends (docs/demo-world.md) as the example profiles' runs find them (docs/insights.md).</summary>
[Trait("Category", "Slow")]
public sealed class DemoWorldTrendsTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    /// <summary>The oncology example's latest complete run.</summary>
    private static Task<object?> OncologyRunAsync(string connection) => Sql.ScalarAsync(connection, $"""
        SELECT r.id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
        WHERE p.name = '{ExampleProfiles.OncologyScientificExchange.Name}' AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1
        """);

    [Fact]
    public async Task The_planted_rising_hashtag_leads_the_risers_the_giants_stay_steady_the_new_term_emerges_and_the_planted_concern_is_a_top_theme()
    {
        var world = await ScoredDemoWorld.GetAsync(postgres);
        var connection = world.Scoring.ConnectionString;
        var run = await OncologyRunAsync(connection);
        var rising = await Sql.ColumnAsync(connection, $"SELECT item FROM topic_trends WHERE run_id = {run} AND kind = 'hashtag' AND status = 'rising' ORDER BY rank");
        output.WriteLine("rising hashtags: " + string.Join(", ", rising.Take(10)));
        Assert.Equal(PlantedTrends.RisingHashtag.ToLowerInvariant(), rising.FirstOrDefault());

        // The giants of the topic are talked about all year and stay steady.
        var giants = await Sql.ColumnAsync(connection, $"SELECT item || ':' || status FROM topic_trends WHERE run_id = {run} AND kind = 'hashtag' ORDER BY posts_window DESC LIMIT 3");
        output.WriteLine("largest hashtags: " + string.Join(", ", giants));
        Assert.Equal("steady", await Sql.ScalarAsync(connection, $"SELECT status FROM topic_trends WHERE run_id = {run} AND kind = 'hashtag' AND item = 'oncology'"));
        Assert.All(giants, g => Assert.EndsWith(":steady", g));

        var themes = await Sql.ColumnAsync(connection, $"SELECT theme || ' (' || posts || ' posts, ' || hcp_authors || ' HCPs)' FROM topic_concern_themes WHERE run_id = {run} ORDER BY rank");
        output.WriteLine("concern themes: " + string.Join(", ", themes.Take(12)));
        // The planted concern theme (docs/demo-world.md) is among the first three.
        Assert.Contains(themes.Take(3), t => t.StartsWith(PlantedTrends.ConcernTheme + " (", StringComparison.Ordinal));

        var emerging = await Sql.ColumnAsync(connection, $"SELECT item FROM topic_trends WHERE run_id = {run} AND kind = 'term' AND status = 'emerging' ORDER BY rank");
        output.WriteLine("emerging terms: " + string.Join(", ", emerging.Take(10)));
        Assert.Contains(PlantedTrends.EmergingTerm, emerging);
        // Nothing else is new in a world whose vocabulary is the same all year: every new term comes from the planted sentence.
        var planted = PlantedTrends.EmergingSentence.ToLowerInvariant();
        Assert.All(emerging, t => Assert.Contains(t, planted));
    }

    [Fact]
    public async Task The_planted_launch_takes_its_share_of_voice_from_the_two_competitors()
    {
        var world = await ScoredDemoWorld.GetAsync(postgres);
        var connection = world.Scoring.ConnectionString;
        var run = await OncologyRunAsync(connection);
        var summaries = await Sql.ColumnAsync(connection, $"SELECT product || ' ' || mentions || ' (' || positive || '+ ' || negative || '- ' || neutral || ')' FROM product_summaries WHERE run_id = {run} ORDER BY rank");
        output.WriteLine("products: " + string.Join(", ", summaries));
        Assert.Equal(PlantedLaunch.Products.Length, summaries.Count);
        var weeks = (await Sql.ColumnAsync(connection, $"SELECT product || '|' || week || '|' || hcp_mentions || '|' || hcp_authors || '|' || coalesce(share_of_voice::text, '') FROM product_weeks WHERE run_id = {run}"))
            .Select(r => r.Split('|'))
            .Select(r => new DolMapper.Scoring.Insights.ProductWeek(r[0], DateOnly.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture), r[4].Length == 0 ? null : double.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture), 0, 0, 0))
            .ToList();
        var (name, _) = PlantedLaunch.Products[0];
        var launch = DolMapper.Scoring.Insights.ProductMentions.Launch(name, [.. PlantedLaunch.Products.Skip(1).Select(p => p.Name)], PlantedLaunch.LaunchDate, weeks);
        foreach (var (product, (before, after)) in launch.ShareOfVoice)
        {
            output.WriteLine($"{product}: share of voice {before:P0} before the launch, {after:P0} after");
        }
        // Planted: 5% before (as a trial drug), 45% after; the incumbents give up what it takes.
        Assert.InRange(launch.ShareOfVoice[name].Before!.Value, 0, 0.12);
        Assert.InRange(launch.ShareOfVoice[name].After!.Value, 0.35, 0.55);
        foreach (var (competitor, _) in PlantedLaunch.Products.Skip(1))
        {
            Assert.True(launch.ShareOfVoice[competitor].After < launch.ShareOfVoice[competitor].Before, $"{competitor} did not lose share");
        }
    }
}
