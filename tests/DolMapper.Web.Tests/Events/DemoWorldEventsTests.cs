using DolMapper.Web.Demo;
using DolMapper.Web.Events;
using DolMapper.Web.Tests.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DolMapper.Web.Tests.Events;

/// <summary>The demo world's planted events (docs/demo-world.md) as DolMapper reads them (docs/events.md).</summary>
[Trait("Category", "Slow")]
public sealed class DemoWorldEventsTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _read;

    /// <summary>The scored demo world with its example events read (once per test run).</summary>
    private static async Task<ScoredDemoWorld> ReadAsync(PostgresFixture postgres)
    {
        var world = await ScoredDemoWorld.GetAsync(postgres);
        await Gate.WaitAsync();
        try
        {
            if (!_read)
            {
                var reports = await world.Scoring.InScopeAsync(sp => sp.GetRequiredService<EventAnalyzer>().AnalyzeAllAsync(onlyStale: false, CancellationToken.None));
                Assert.Equal(ExampleEvents.All.Count, reports.Count);
                Assert.All(reports, r => Assert.True(r.Succeeded, r.Message));
                _read = true;
            }
            return world;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string PublicId(DemoWorld world, int person) => GroundTruth.PersonId(world, world.Persons[person]);

    private static async Task<List<string>> RankedAsync(string connection, string eventName, bool newVoicesOnly) => await Sql.ColumnAsync(connection, $"""
        SELECT n.public_id FROM event_persons e JOIN persons n ON n.id = e.person_id
        WHERE e.analysis_id = (SELECT a.id FROM event_analyses a JOIN events ev ON ev.id = a.event_id WHERE ev.name = '{eventName}' AND a.status = 'complete' ORDER BY a.completed_at DESC LIMIT 1)
          AND ({(newVoicesOnly ? "e.new_voice" : "true")})
        ORDER BY e.rank
        """);

    [Fact]
    public async Task The_planted_leader_of_each_edition_is_first_and_the_planted_new_voices_are_found()
    {
        var scored = await ReadAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        var world = DemoWorld.Build(ScoredDemoWorld.Options);
        var plan = PlantedEvents.Choose(world)!;

        var first = await RankedAsync(connection, PlantedEvents.Summit2025.Name, newVoicesOnly: false);
        var second = await RankedAsync(connection, PlantedEvents.Summit2026.Name, newVoicesOnly: false);
        output.WriteLine($"2025: {first.Count} participants, first {string.Join(", ", first.Take(3))} (planted {PublicId(world, plan.Leader2025)})");
        output.WriteLine($"2026: {second.Count} participants, first {string.Join(", ", second.Take(3))} (planted {PublicId(world, plan.Leader2026)})");
        Assert.Equal(PublicId(world, plan.Leader2025), first[0]);
        Assert.Equal(PublicId(world, plan.Leader2026), second[0]);

        var planted = plan.NewVoices.Select(p => PublicId(world, p)).ToHashSet();
        var found = (await RankedAsync(connection, PlantedEvents.Summit2026.Name, newVoicesOnly: true)).Take(20).ToList();
        var hits = found.Count(planted.Contains);
        var recall = (double)hits / planted.Count;
        var precision = found.Count == 0 ? 0 : (double)hits / found.Count;
        output.WriteLine($"new voices: {found.Count} listed in the first 20, {hits} of the {planted.Count} planted: recall {recall:F2}, precision {precision:F2}");
        Assert.True(recall >= 0.8, $"recall {recall:F2}");
        Assert.True(precision >= 0.6, $"precision {precision:F2}");
    }

    [Fact]
    public async Task A_post_at_23_30_local_time_on_the_last_day_counts_as_during_the_event()
    {
        var scored = await ReadAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        var world = DemoWorld.Build(ScoredDemoWorld.Options);
        var witness = PublicId(world, PlantedEvents.Choose(world)!.LateWitness);
        // Their only post with the congress's hashtag is the one at 23:30 local time (05:30 UTC the next day).
        Assert.Equal(1, await Sql.CountAsync(connection, $"""
            SELECT count(*) FROM posts p JOIN accounts a ON a.id = p.account_id JOIN persons n ON n.id = a.person_id
            WHERE n.public_id = '{witness}' AND p.hashtags && ARRAY['tos26']
            """));
        Assert.Equal(PlantedEvents.LateLocalPost, (DateTime)(await Sql.ScalarAsync(connection, $"""
            SELECT p.created_at FROM posts p JOIN accounts a ON a.id = p.account_id JOIN persons n ON n.id = a.person_id
            WHERE n.public_id = '{witness}' AND p.hashtags && ARRAY['tos26']
            """))!, TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Sql.CountAsync(connection, $"""
            SELECT e.posts_during FROM event_persons e JOIN persons n ON n.id = e.person_id
            WHERE n.public_id = '{witness}' AND e.analysis_id = (SELECT a.id FROM event_analyses a JOIN events ev ON ev.id = a.event_id WHERE ev.name = '{PlantedEvents.Summit2026.Name}' AND a.status = 'complete' ORDER BY a.completed_at DESC LIMIT 1)
            """));
    }

    [Fact]
    public async Task The_awareness_day_bursts_in_its_hours_and_the_world_congresses_have_their_leaders()
    {
        var scored = await ReadAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        string Latest(string name) => $"(SELECT a.id FROM event_analyses a JOIN events ev ON ev.id = a.event_id WHERE ev.name = '{name}' AND a.status = 'complete' ORDER BY a.completed_at DESC LIMIT 1)";
        var hours = await Sql.ColumnAsync(connection, $"SELECT starts_at || ' ' || posts FROM event_buckets WHERE analysis_id = {Latest(PlantedEvents.DiabetesDay.Name)} AND hours = 1 ORDER BY starts_at");
        output.WriteLine($"{PlantedEvents.DiabetesDay.Name}: {hours.Count} hours with posts; {string.Join(", ", hours.Take(30))}");
        Assert.InRange(hours.Count, 12, 72);
        var during = await Sql.CountAsync(connection, $"SELECT sum(posts) FROM event_buckets WHERE analysis_id = {Latest(PlantedEvents.DiabetesDay.Name)} AND hours = 1");
        Assert.True(during >= 50, $"{during} posts on the day");
        foreach (var example in ExampleEvents.All)
        {
            var people = await Sql.CountAsync(connection, $"SELECT count(*) FROM event_persons WHERE analysis_id = {Latest(example.Name)}");
            output.WriteLine($"{example.Name}: {people} participants");
            Assert.True(people >= 20, $"{example.Name}: {people} participants");
        }
    }
}
