using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Scoring;
using DolMapper.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// The dashboard on a real streaming replica (ConnectionStrings:DolMapperReadOnly): once caught up
/// it shows the ranking the primary shows, and while it lags — its replay paused at a random
/// moment of a scoring run — it shows the previous run whole, never part of the new one.
/// </summary>
[Collection(SerialCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ReadReplicaTests
{
    [Fact]
    public async Task The_dashboard_reads_the_replica_and_never_shows_a_half_written_run()
    {
        await using var servers = await ReplicatedServer.StartPrimaryAsync();
        var primary = servers.Primary.ConnectionString;
        var owner = new Dictionary<string, string?> { ["ConnectionStrings:DolMapperOwner"] = servers.Primary.OwnerConnectionString };

        await using var worker = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(primary, owner));
        await worker.PrepareAsync();
        await worker.Services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoWorldOptions { Persons = 400, Posts = 8_000, Seed = 5 }, null, null);
        StoredProfile profile;
        await using (var scope = worker.Services.CreateAsyncScope())
        {
            var profiles = scope.ServiceProvider.GetRequiredService<ScoringProfiles>();
            // A general profile (no topic, no market), so a small world fills a page.
            var (saved, problems) = await profiles.ImportAsync("""
                {"name":"Replica","countries":[],"window_days":365,"min_hcp_confidence":0.5,
                 "weights":{"peer_trust":0.5,"activity":0.5,"public_influence":0.5}}
                """, "test", CancellationToken.None);
            Assert.Empty(problems);
            profile = saved.Single().Profile!;
        }
        Assert.True((await ScoreAsync(worker, profile)).Complete);

        await servers.StartReplicaAsync();
        // A second run after the copy: it reaches the replica by streaming.
        profile = await ReweighAsync(worker, profile, 0.2);
        Assert.True((await ScoreAsync(worker, profile)).Complete);
        await servers.WaitForReplicaAsync();

        await using var onPrimary = await TestApp.StartAsync(primary, owner);
        await using var onReplica = await TestApp.StartAsync(primary, new Dictionary<string, string?>(owner)
        {
            ["ConnectionStrings:DolMapperReadOnly"] = servers.ReplicaConnectionString,
        });
        var page = $"/Rankings?profile={Uri.EscapeDataString(profile.Definition.Name)}";
        var primaryClient = await onPrimary.SignInAsync("Analyst");
        var replicaClient = await onReplica.SignInAsync("Analyst");
        var caughtUp = await RankingPageRows.ReadAsync(primaryClient, page);
        Assert.Equal(50, caughtUp.Count);
        Assert.Equal(caughtUp, await RankingPageRows.ReadAsync(replicaClient, page));

        // The replica really is what the page reads: with its replay paused, a new run on the primary does not show.
        await Sql.ExecuteAsync(servers.ReplicaAdminConnectionString, "SELECT pg_wal_replay_pause()");
        profile = await ReweighAsync(worker, profile, 0.9);
        var scoring = ScoreAsync(worker, profile);
        await Task.Delay(new Random(FaultTests.Seed).Next(0, 1_500));
        var lagging = await RankingPageRows.ReadAsync(replicaClient, page);
        Assert.True((await scoring).Complete);
        var latest = await RankingPageRows.ReadAsync(primaryClient, page);
        Assert.NotEqual(caughtUp, latest);
        Assert.Equal(caughtUp, lagging);
        Assert.Equal(caughtUp, await RankingPageRows.ReadAsync(replicaClient, page));

        // Replay resumed and paused again at a random moment of another run: the page shows one run whole, never a mixture.
        await Sql.ExecuteAsync(servers.ReplicaAdminConnectionString, "SELECT pg_wal_replay_resume()");
        await servers.WaitForReplicaAsync();
        Assert.Equal(latest, await RankingPageRows.ReadAsync(replicaClient, page));
        profile = await ReweighAsync(worker, profile, 0.5);
        scoring = ScoreAsync(worker, profile);
        await Task.Delay(new Random(FaultTests.Seed + 1).Next(0, 4_000));
        await Sql.ExecuteAsync(servers.ReplicaAdminConnectionString, "SELECT pg_wal_replay_pause()");
        var midway = await RankingPageRows.ReadAsync(replicaClient, page);
        Assert.True((await scoring).Complete);
        var newest = await RankingPageRows.ReadAsync(primaryClient, page);
        Assert.True(midway.SequenceEqual(latest) || midway.SequenceEqual(newest), $"seed {FaultTests.Seed}: the replica showed a ranking of neither run");
        await Sql.ExecuteAsync(servers.ReplicaAdminConnectionString, "SELECT pg_wal_replay_resume()");
        await servers.WaitForReplicaAsync();
        Assert.Equal(newest, await RankingPageRows.ReadAsync(replicaClient, page));

        // An export reads its rows from the replica and writes its audit entry to the primary.
        var export = await replicaClient.GetAsync($"/Rankings/export.csv?profile={Uri.EscapeDataString(profile.Definition.Name)}");
        Assert.Equal(System.Net.HttpStatusCode.OK, export.StatusCode);
        var csv = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(await Sql.ScalarAsync(primary, $"SELECT public_id FROM persons WHERE id = {newest[0]}"), csv[1].Split(',')[1]);
        Assert.Equal(1L, await Sql.CountAsync(primary, "SELECT count(*) FROM audit_log WHERE action = 'export.csv'"));
    }

    private static async Task<ScoringRunReport> ScoreAsync(DolMapperApp app, StoredProfile profile)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ScoringRunner>().RunAsync(profile, "test", null, CancellationToken.None);
    }

    /// <summary>A new version of the profile whose peer-trust weight is <paramref name="weight"/>, so its ranking differs.</summary>
    private static async Task<StoredProfile> ReweighAsync(DolMapperApp app, StoredProfile profile, double weight)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var weights = new Dictionary<string, double>(profile.Definition.Weights) { ["peer_trust"] = weight, ["activity"] = 1 - weight };
        var saved = await scope.ServiceProvider.GetRequiredService<ScoringProfiles>().SaveAsync(profile.Definition with { Weights = weights }, "test", CancellationToken.None);
        Assert.True(saved.Saved, string.Join(" ", saved.Problems));
        return saved.Profile!;
    }
}
