using DolMapper.Scoring.Events;

namespace DolMapper.Scoring.Tests.Events;

public sealed class EventDefinitionTests
{
    private const string Valid = """
        {"name": "Summit 2026", "kind": "congress", "series": "Summit", "hashtags": ["#Summit26"], "keywords": ["Summit"],
         "start": "2026-09-14", "end": "2026-09-16", "time_zone": "America/Los_Angeles", "location": "San Diego, USA", "profile": "Oncology"}
        """;

    [Fact]
    public void A_valid_event_is_read_normalised_and_written_back_the_same()
    {
        var e = Assert.Single(EventDefinition.ParseMany(Valid, out var problems));
        Assert.Empty(problems);
        Assert.Equal(["summit26"], e.Hashtags);
        Assert.Equal(3, e.Days);
        Assert.True(e.Hourly);
        Assert.Equal(EventDefinition.DefaultBeforeDays, e.EffectiveBeforeDays);
        var again = Assert.Single(EventDefinition.ParseMany(e.ToJson(), out var none));
        Assert.Empty(none);
        Assert.True(again.SameAs(e));
        Assert.False(again.SameAs(e with { End = e.End.AddDays(1) }));
    }

    [Fact]
    public void Its_window_runs_midnight_to_midnight_in_its_own_time_zone()
    {
        var e = Assert.Single(EventDefinition.ParseMany(Valid, out _));
        var w = e.Windows();
        // Pacific daylight time is UTC−7 in September: the first day starts at 07:00 UTC.
        Assert.Equal(new DateTime(2026, 9, 14, 7, 0, 0, DateTimeKind.Utc), w.Start);
        Assert.Equal(new DateTime(2026, 9, 17, 7, 0, 0, DateTimeKind.Utc), w.End);
        // 23:30 on the last day, local, is 06:30 UTC the next day: during. 00:30 local the day after: after.
        Assert.Equal(0, w.PhaseOf(new DateTime(2026, 9, 17, 6, 30, 0, DateTimeKind.Utc)));
        Assert.Equal(1, w.PhaseOf(new DateTime(2026, 9, 17, 7, 30, 0, DateTimeKind.Utc)));
        Assert.Equal(-1, w.PhaseOf(new DateTime(2026, 9, 14, 6, 59, 0, DateTimeKind.Utc)));
        Assert.Null(w.PhaseOf(w.BeforeFrom.AddSeconds(-1)));
        Assert.Null(w.PhaseOf(w.AfterTo));
        Assert.Equal(EventStatus.Running, w.StatusAt(new DateTime(2026, 9, 15, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(EventStatus.AfterRunning, w.StatusAt(new DateTime(2026, 9, 20, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(EventStatus.Upcoming, w.StatusAt(new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(EventStatus.Finished, w.StatusAt(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData("""{"name": "X", "hashtags": ["x"], "start": "2026-09-16", "end": "2026-09-14", "time_zone": "UTC"}""", "end: 2026-09-14 is before the start")]
    [InlineData("""{"name": "X", "hashtags": ["x"], "start": "2026-09-14", "end": "2026-09-16", "time_zone": "Mars/Olympus"}""", "time_zone: 'Mars/Olympus' is not a time zone")]
    [InlineData("""{"name": "X", "start": "2026-09-14", "end": "2026-09-16"}""", "give at least one hashtag or keyword")]
    [InlineData("""{"name": "X", "hashtags": ["x"], "start": "2026-09-14", "end": "2026-09-16", "kind": "party"}""", "kind: 'party' is not a kind of event")]
    [InlineData("""{"name": "X", "hashtags": ["x"], "start": "14/09/2026", "end": "2026-09-16"}""", "a date is not YYYY-MM-DD")]
    [InlineData("""{"name": "X", "hashtags": ["x", " "], "start": "2026-09-14", "end": "2026-09-16"}""", "an empty entry")]
    [InlineData("""{"name": "X", "hashtags": ["x"], "start": "2026-09-14", "end": "2026-09-16", "colour": "red"}""", "Known fields")]
    [InlineData("""{"name": "X", "hashtags": ["x"], "end": "2026-09-16"}""", "start: give the first day")]
    [InlineData("""[{"name": "X", "hashtags": ["x"], "start": "2026-09-14", "end": "2026-09-16"}, {"name": "X", "hashtags": ["y"], "start": "2026-09-14", "end": "2026-09-16"}]""", "'X' appears more than once")]
    [InlineData("""{"name": "X", "hashtags": ["x"], "start": "2026-09-14", "end": "2026-09-16", "before_days": 2}""", "before_days: 2")]
    public void Bad_events_are_refused_with_a_sentence_naming_the_field(string json, string expected)
    {
        Assert.Empty(EventDefinition.ParseMany(json, out var problems));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void New_voices_are_prominent_during_the_event_and_quiet_before_it()
    {
        var participants = new List<EventParticipant>
        {
            new(1, PostsDuring: 9, EngagementDuring: 900, TopicPostsBefore: 40), // the leader, long in the conversation
            new(2, PostsDuring: 4, EngagementDuring: 500, TopicPostsBefore: 0),  // new
            new(3, PostsDuring: 1, EngagementDuring: 450, TopicPostsBefore: 0),  // one lucky post: not a voice
            new(4, PostsDuring: 3, EngagementDuring: 400, TopicPostsBefore: 3),  // talked before: not new
            new(5, PostsDuring: 0, EngagementDuring: 0, TopicPostsBefore: 9),    // not a participant during
        };
        for (var i = 0; i < 60; i++)
        {
            participants.Add(new EventParticipant(100 + i, 2, 300 - i, 0));
        }
        var roles = EventRoles.Assign(participants);
        Assert.DoesNotContain(roles, r => r.Participant.PersonId == 5);
        Assert.Equal((1L, 1, false, EventRoles.Leader), (roles[0].Participant.PersonId, roles[0].Rank, roles[0].NewVoice, roles[0].Role));
        Assert.Equal((2L, EventRoles.NewVoice), (roles[1].Participant.PersonId, roles[1].Role));
        Assert.Equal(EventRoles.Leader, roles.Single(r => r.Participant.PersonId == 3).Role);
        Assert.False(roles.Single(r => r.Participant.PersonId == 4).NewVoice);
        // Only the first 50 can be prominent: quiet people further down are participants.
        Assert.All(roles.Where(r => r.Rank > EventRoles.ProminentTop), r => Assert.Equal(EventRoles.Participant, r.Role));
        Assert.True(roles.Where(r => r.Rank <= EventRoles.ProminentTop).Count(r => r.NewVoice) > 40);
    }

    [Theory]
    [InlineData("https://www.nejm.org/doi/full/10.1056/NEJMoa2600001", EventLinks.Journal)]
    [InlineData("https://meetinglibrary.asco.org/record/12345", EventLinks.Abstract)]
    [InlineData("https://congress.example.org/abstracts/LBA3", EventLinks.Abstract)]
    [InlineData("https://www.slideshare.net/drx/summit-talk", EventLinks.Slides)]
    [InlineData("https://news.example.com/2026/09/summit", EventLinks.Other)]
    [InlineData("not a url", EventLinks.Other)]
    public void Shared_links_are_told_apart(string url, string kind) => Assert.Equal(kind, EventLinks.KindOf(url));
}
