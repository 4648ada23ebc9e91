using DolMapper.Web.Demo;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>Engagement suggestions (docs/engagement.md) for the oncology example's first 50 on the demo world, against where and when the world made them post.</summary>
[Trait("Category", "Slow")]
public sealed class DemoWorldEngagementTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_channel_is_where_the_world_put_their_engagement_and_the_times_hold_their_posting_hour()
    {
        var scored = await ScoredDemoWorld.GetAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        var run = (long)(await Sql.ScalarAsync(connection, $"""
            SELECT r.id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE p.name = '{ExampleProfiles.OncologyScientificExchange.Name}' AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1
            """))!;
        var report = await scored.Scoring.InScopeAsync(sp => sp.GetRequiredService<EngagementSuggestions>().ComputeAsync(run, CancellationToken.None));
        output.WriteLine(report.Message);

        var world = DemoWorld.Build(ScoredDemoWorld.Options);
        var byTruthId = world.Persons.ToDictionary(p => GroundTruth.PersonId(world, p));
        var rows = await Sql.ColumnAsync(connection, $"""
            SELECT n.public_id || '|' || e.channel || '|' || array_to_string(e.best_hours_utc, ',') || '|' ||
                   (SELECT p.platform FROM posts p JOIN accounts a ON a.id = p.account_id
                    WHERE a.person_id = s.person_id AND p.deleted_at IS NULL AND p.repost_of_post_external_id IS NULL
                      AND p.created_at > (r.details -> 'window' ->> 'from')::timestamptz AND p.created_at <= (r.details -> 'window' ->> 'to')::timestamptz
                    GROUP BY p.platform ORDER BY sum(p.likes::bigint + p.replies + p.reposts + p.quotes) DESC, count(*) DESC, p.platform LIMIT 1)
            FROM person_scores s JOIN persons n ON n.id = s.person_id JOIN scoring_runs r ON r.id = s.run_id
            JOIN person_engagement e ON e.run_id = s.run_id AND e.person_id = s.person_id
            WHERE s.run_id = {run} AND s.rank <= 50 ORDER BY s.rank
            """);
        Assert.Equal(50, rows.Count);
        int channels = 0, hours = 0;
        foreach (var row in rows)
        {
            var parts = row.Split('|');
            var person = byTruthId[scored.TruthByAccount.GetValueOrDefault(parts[0], parts[0])];
            channels += parts[1] == parts[3] ? 1 : 0;
            var best = parts[2].Split(',').Select(int.Parse).ToArray();
            // Within an hour of the window's two hours (posts scatter around the habit by a few hours).
            var near = best.Any(h => Math.Min((h - person.PeakHour + 24) % 24, (person.PeakHour - h + 24) % 24) <= 1);
            hours += near ? 1 : 0;
            if (!near)
            {
                output.WriteLine($"{parts[0]}: best hours {parts[2]} UTC, habit {person.PeakHour}:00 UTC");
            }
        }
        output.WriteLine($"channel right for {channels} of 50; best times within an hour of the posting habit for {hours} of 50");
        Assert.Equal(50, channels);
        Assert.True(hours >= 45, $"{hours} of 50");
    }
}
