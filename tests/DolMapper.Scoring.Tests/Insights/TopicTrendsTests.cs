using DolMapper.Scoring.Insights;

namespace DolMapper.Scoring.Tests.Insights;

public sealed class TopicTrendsTests
{
    private static readonly DateTime Snapshot = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_burst_against_its_own_baseline_rises_and_a_flat_giant_stays_steady()
    {
        var trends = new TopicTrends(Snapshot, 90);
        var post = 0L;
        void Posts(string tag, int weekBack, int count, int authors, bool hcp = true)
        {
            for (var i = 0; i < count; i++)
            {
                trends.Add(new TrendPost(++post, 100 + i % authors, hcp, Snapshot.AddDays(-7 * weekBack - 1 - i % 5), null, [tag], null, i));
            }
        }
        for (var w = 0; w <= 10; w++)
        {
            Posts("giant", w, 200, 50);
            Posts("newdrug", w, w == 0 ? 30 : 2, 10);
        }
        Posts("brandnew", 0, 8, 3);
        for (var w = 1; w <= 10; w++)
        {
            Posts("quiet", w, 3, 3);
        }
        Posts("quiet", 0, 2, 2);
        Posts("quiet", 0, 1, 1, hcp: false);
        Posts("solo", 0, 9, 1);
        var items = trends.Build();
        var newdrug = items.Single(i => i.Item == "newdrug");
        Assert.Equal(TrendStatus.Rising, newdrug.Status);
        Assert.Equal(30, newdrug.PostsRecent);
        Assert.Equal(2, newdrug.PostsBaseline);
        Assert.Equal(10, newdrug.HcpAuthorsRecent);
        Assert.Equal(TrendStatus.Steady, items.Single(i => i.Item == "giant").Status);
        Assert.Equal(TrendStatus.Emerging, items.Single(i => i.Item == "brandnew").Status);
        // One author is not a trend.
        Assert.Equal(TrendStatus.Steady, items.Single(i => i.Item == "solo").Status);
        Assert.Equal("newdrug", items[0].Item);
        Assert.Equal(10, newdrug.Drivers.Count);
        Assert.Equal(3, newdrug.ExamplePosts.Count);
        Assert.Equal(newdrug.PostsWindow, newdrug.Days.Sum(d => d.Posts));
        // A steady item with few posts last week still says who wrote them.
        var quiet = items.Single(i => i.Item == "quiet");
        Assert.Equal((TrendStatus.Steady, 3, 2, 1), (quiet.Status, quiet.PostsRecent, quiet.HcpAuthorsRecent, quiet.PublicAuthorsRecent));
    }

    [Fact]
    public void Concerns_of_the_recent_weeks_fall_into_themes_named_by_the_terms_that_set_them_apart()
    {
        var trends = new TopicTrends(Snapshot, 90, text => text?.Contains("anyone", StringComparison.OrdinalIgnoreCase) == true);
        var post = 0L;
        void Post(string text, int person, int daysBack, bool hcp = true) =>
            trends.Add(new TrendPost(++post, person, hcp, Snapshot.AddDays(-daysBack), text, null, null, person));
        for (var i = 0; i < 60; i++)
        {
            Post("Great trial results in clinic today", 100 + i % 10, i % 50);
        }
        for (var i = 0; i < 7; i++)
        {
            Post("Anyone else fighting prior authorization for every patient in clinic?", 200 + i % 3, 1 + i);
            Post("Anyone else out of contrast dye this week", 300 + i % 4, 2 + i);
        }
        // One voice is not a theme; a public concern is not an HCP's; an old concern is not recent.
        for (var i = 0; i < 6; i++)
        {
            Post("Anyone else hate parking here", 400, 3);
            Post("Anyone know about sunscreen", 500 + i, 3, hcp: false);
            Post("Anyone else seeing shortages of saline", 600 + i, 80);
        }
        var themes = trends.BuildConcerns();
        Assert.Equal(["prior authorization", "contrast dye"], themes.Select(t => t.Theme).Order().Reverse());
        var auth = themes.Single(t => t.Theme == "prior authorization");
        Assert.Equal((7, 3, 3), (auth.Posts, auth.HcpAuthors, auth.ExamplePosts.Count));
        Assert.Empty(new TopicTrends(Snapshot, 90).BuildConcerns());
    }

    [Theory]
    [InlineData(12, 3, new double[] { 2, 2, 3, 1, 2, 2, 2, 2 }, "rising")]
    [InlineData(4, 3, new double[] { 0, 0, 0, 0, 0, 0, 0, 0 }, "steady")]
    [InlineData(6, 3, new double[] { 0, 0, 0, 0, 0, 0, 0, 0 }, "emerging")]
    [InlineData(0, 0, new double[] { 20, 22, 18, 21, 19, 20, 20, 20 }, "falling")]
    [InlineData(25, 10, new double[] { 20, 22, 18, 21, 19, 20, 20, 20 }, "steady")]
    // Six posts against two a week is chance among thousands of terms, not a trend.
    [InlineData(6, 6, new double[] { 2, 2, 2, 2, 2, 2, 2, 2 }, "steady")]
    public void Classification_needs_volume_authors_and_a_departure_from_the_baseline(int recent, int authors, double[] baseline, string status)
    {
        Assert.Equal(status, TopicTrends.Classify(recent, baseline, authors).Status);
    }
}
