using DolMapper.Scoring.Engagement;

namespace DolMapper.Scoring.Tests.Engagement;

public sealed class EngagementAdvisorTests
{
    private static int[] Week(params (int Day, int HourUtc, int Posts)[] slots)
    {
        var week = new int[168];
        foreach (var (day, hour, posts) in slots)
        {
            week[day * 24 + hour] += posts;
        }
        return week;
    }

    private static readonly DateTime Winter = new(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Summer = new(2026, 7, 15, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_channel_is_where_their_posts_earn_most_and_the_times_are_their_own_hours_in_their_time_zone()
    {
        var inputs = new EngagementInputs(
            new Dictionary<string, (int, long)> { ["x"] = (30, 300), ["bluesky"] = (10, 900) },
            Week((1, 13, 10), (1, 14, 8), (2, 13, 9), (2, 14, 7), (3, 13, 4), (5, 2, 2)),
            new Dictionary<string, (int, long)> { [PostFormats.Post] = (30, 600), [PostFormats.JournalLink] = (10, 600) },
            "GB", new Dictionary<string, double>());
        var winter = EngagementAdvisor.Advise(inputs, Winter)!;
        Assert.Equal("bluesky", winter.Channel);
        Assert.Contains("75%", winter.ChannelReason);
        Assert.Equal("Europe/London", winter.TimeZone);
        Assert.StartsWith("Tue, Wed, Thu 13:00–15:00", winter.BestTimes);
        Assert.Equal([13, 14], winter.BestHoursUtc);
        // In summer London is UTC+1: the same posts are at 14:00–16:00 local, still 13–14 UTC.
        var summer = EngagementAdvisor.Advise(inputs, Summer)!;
        Assert.Contains("14:00–16:00 (Europe/London)", summer.BestTimes);
        Assert.Equal([13, 14], summer.BestHoursUtc);
        // Journal links earn 60 a post against an average of 30.
        Assert.Equal([PostFormats.JournalLink], winter.TopFormats);
        Assert.Contains("2.0×", winter.FormatsReason);
        // Without a country the times are UTC, and say so.
        var unknown = EngagementAdvisor.Advise(inputs with { Country = null }, Winter)!;
        Assert.Contains("(UTC)", unknown.BestTimes);
        Assert.Contains("not known", unknown.TimesReason);
    }

    [Fact]
    public void Collaborations_follow_the_signals_with_their_reasons_and_nothing_is_suggested_without_posts()
    {
        var platforms = new Dictionary<string, (int, long)> { ["x"] = (20, 100) };
        var formats = new Dictionary<string, (int, long)> { [PostFormats.Congress] = (5, 50), [PostFormats.Post] = (15, 50) };
        var signals = new Dictionary<string, double>
        {
            [Questions.PeerTrust] = 0.95, [Questions.Science] = 0.9, [Questions.Community] = 0.85, [Questions.PublicInfluence] = 0.3, [Questions.Activity] = 0.5,
        };
        var advice = EngagementAdvisor.Advise(new EngagementInputs(platforms, Week((0, 9, 20)), formats, "US", signals), Winter)!;
        Assert.Equal([Collaborations.AdvisoryBoard, Collaborations.CongressCoverage, Collaborations.PatientProgramme], advice.Collaborations);
        Assert.Contains("top 5%", advice.CollaborationReasons[0]);
        Assert.Contains("5 posts", advice.CollaborationReasons[1]);
        var quiet = EngagementAdvisor.Advise(new EngagementInputs(platforms, Week((0, 9, 20)), new Dictionary<string, (int, long)> { [PostFormats.Post] = (20, 100) }, "US", new Dictionary<string, double>()), Winter)!;
        Assert.Equal([Collaborations.Follow], quiet.Collaborations);
        Assert.Empty(quiet.TopFormats);
        Assert.Null(EngagementAdvisor.Advise(new EngagementInputs(new Dictionary<string, (int, long)>(), new int[168], new Dictionary<string, (int, long)>(), "US", signals), Winter));
    }

    [Theory]
    [InlineData(true, null, null, PostFormats.Thread)]
    [InlineData(false, null, "https://doi.org/10.1056/NEJMoa2600001", PostFormats.JournalLink)]
    [InlineData(false, "ASCO26", null, PostFormats.Congress)]
    [InlineData(false, null, "https://www.youtube.com/watch?v=abc", PostFormats.Video)]
    [InlineData(false, "bcsm", "https://example.org/story", PostFormats.PatientStory)]
    [InlineData(false, "oncology", "https://example.org/story", PostFormats.Post)]
    public void A_post_has_one_format(bool selfReply, string? hashtag, string? url, string format) =>
        Assert.Equal(format, PostFormats.Of(selfReply, hashtag is null ? null : [hashtag], url is null ? null : [url]));
}
