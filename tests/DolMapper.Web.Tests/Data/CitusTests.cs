using DolMapper.Web.Compliance;
using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// DolMapper on a local Citus cluster (a coordinator and two workers): migrated, the demo world
/// imported, every example profile scored — the same ranking, rank for rank, as on one
/// PostgreSQL; the posts spread over both workers; the rankings page and its export read the
/// distributed tables; an erasure leaves nothing of the person on any shard.
/// </summary>
[Collection(SerialCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CitusTests(PostgresFixture postgres)
{
    private static readonly DemoWorldOptions World = new() { Persons = 600, Posts = 12_000, Seed = 7 };

    [Fact]
    public async Task On_Citus_DolMapper_ranks_as_on_one_PostgreSQL_spreads_posts_over_the_workers_and_erases_from_every_shard()
    {
        Assert.True(CitusCluster.Installed, "the Citus extension is not installed in this machine's PostgreSQL (.ci/run installs it)");
        await using var cluster = await CitusCluster.StartAsync(workers: 2);
        var citus = cluster.Coordinator.ConnectionString;
        var owner = new Dictionary<string, string?> { ["ConnectionStrings:DolMapperOwner"] = cluster.Coordinator.OwnerConnectionString };
        await using (var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(citus, owner)))
        {
            await app.PrepareAsync();
        }
        Assert.Equal(2L, await Sql.CountAsync(cluster.Coordinator.OwnerConnectionString,
            "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid IN ('posts'::regclass, 'interactions'::regclass)"));

        var single = await postgres.CreateMigratedDatabaseAsync();
        foreach (var database in new[] { citus, single })
        {
            await using var scoring = await ScoringServices.CreateAsync(database);
            await scoring.SeedDemoWorldAsync(World);
            await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().EnsureExamplesAsync("test", CancellationToken.None));
            var reports = await scoring.ScoreAsync();
            Assert.All(reports, r => Assert.True(r.Complete, $"{r.Profile}: {r.Message}"));
        }

        // The same ranking, rank for rank, profile by profile.
        const string rankings = """
            SELECT string_agg(sp.name || ' ' || p.public_id || ':' || s.rank || ':' || round(s.score::numeric, 6), ',' ORDER BY sp.name, s.rank, p.public_id)
            FROM person_scores s JOIN persons p ON p.id = s.person_id JOIN scoring_runs r ON r.id = s.run_id JOIN scoring_profiles sp ON sp.id = r.profile_id
            WHERE r.status = 'complete'
            """;
        var expected = (string?)await Sql.ScalarAsync(single, rankings);
        Assert.False(string.IsNullOrEmpty(expected));
        Assert.Equal(expected, (string?)await Sql.ScalarAsync(citus, rankings));

        // Posts are on both workers.
        Assert.Equal(2L, await Sql.CountAsync(cluster.Coordinator.OwnerConnectionString,
            "SELECT count(DISTINCT nodeport) FROM citus_shards WHERE table_name = 'posts'::regclass AND shard_size > 8192"));
        Assert.Equal(await Sql.CountAsync(single, "SELECT count(*) FROM posts"), await Sql.CountAsync(citus, "SELECT count(*) FROM posts"));

        // The rankings page and its export, as an analyst reads them.
        await using (var web = await TestApp.StartAsync(citus, owner))
        {
            var analyst = await web.SignInAsync("Analyst");
            var profile = (string)(await Sql.ScalarAsync(citus, "SELECT name FROM scoring_profiles ORDER BY id LIMIT 1"))!;
            var page = await analyst.GetStringAsync($"/Rankings?profile={Uri.EscapeDataString(profile)}");
            Assert.Contains("data-testid=\"row\"", page);
            var csv = await analyst.GetStringAsync($"/Rankings/export.csv?profile={Uri.EscapeDataString(profile)}");
            await using var reference = await ScoringServices.CreateAsync(single);
            Assert.Equal(Columns(await reference.ExportAsync(profile)), Columns(csv));

            // The other pages that read posts and interactions: a person's page, the network views, insights, the patient ranking.
            var top = (long)(await Sql.ScalarAsync(citus, $"""
                SELECT s.person_id FROM person_scores s JOIN scoring_runs r ON r.id = s.run_id JOIN scoring_profiles p ON p.id = r.profile_id
                WHERE p.name = '{profile.Replace("'", "''", StringComparison.Ordinal)}' AND r.status = 'complete' ORDER BY s.rank LIMIT 1
                """))!;
            var patients = (string)(await Sql.ScalarAsync(citus, "SELECT name FROM scoring_profiles WHERE kind = 'patient' LIMIT 1"))!;
            var admin = await web.SignInAsync("Admin");
            foreach (var path in new[]
            {
                $"/Profiles/{top}?profile={Uri.EscapeDataString(profile)}",
                $"/Profiles/{top}/network.json?profile={Uri.EscapeDataString(profile)}",
                $"/Rankings/network.json?profile={Uri.EscapeDataString(profile)}",
                $"/Insights?profile={Uri.EscapeDataString(profile)}",
                $"/Patients?profile={Uri.EscapeDataString(patients)}",
                "/Events",
                "/",
            })
            {
                var response = await admin.GetAsync(path);
                Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
            }

            // Erasure: the person's posts and interactions go from every shard.
            var person = (long)(await Sql.ScalarAsync(citus, "SELECT a.person_id FROM accounts a JOIN posts p ON p.account_id = a.id GROUP BY a.person_id ORDER BY count(*) DESC LIMIT 1"))!;
            var accounts = string.Join(",", await Sql.ColumnAsync(citus, $"SELECT id::text FROM accounts WHERE person_id = {person}"));
            Assert.True(await Sql.CountAsync(citus, $"SELECT count(*) FROM posts WHERE account_id IN ({accounts})") > 0);
            var erased = await web.Services.GetRequiredService<OptOutRegistry>().EraseAsync(person, "test: data subject request", "test", CancellationToken.None);
            Assert.True(erased.Done, erased.Message);
            foreach (var (table, column) in new[] { ("posts", "account_id"), ("interactions", "source_account_id"), ("interactions", "target_account_id") })
            {
                var left = await Sql.ColumnAsync(cluster.Coordinator.OwnerConnectionString,
                    $"SELECT result FROM run_command_on_shards('{table}', $$SELECT count(*) FROM %s WHERE {column} IN ({accounts})$$)");
                Assert.NotEmpty(left);
                Assert.All(left, count => Assert.Equal("0", count));
            }

            // Retention: the words of posts older than the cut-off go on every shard (the demo world ends a month and more ago).
            var retention = Microsoft.Extensions.Options.Options.Create(new DolMapperOptions { Retention = { PostTextMonths = 1 } });
            await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(citus);
            var purged = await new DolMapper.Web.Ingestion.RetentionJob(dataSource, retention, Microsoft.Extensions.Logging.Abstractions.NullLogger<DolMapper.Web.Ingestion.RetentionJob>.Instance)
                .RunAsync(CancellationToken.None);
            Assert.True(purged.PostTexts > 0);
            var texts = await Sql.ColumnAsync(cluster.Coordinator.OwnerConnectionString,
                "SELECT result FROM run_command_on_shards('posts', $$SELECT count(*) FROM %s WHERE text IS NOT NULL AND created_at < now() - interval '1 month'$$)");
            Assert.All(texts, count => Assert.Equal("0", count));
        }
    }

    /// <summary>The rank, person, name and score of each CSV row (what a run decides; dates and addresses differ between databases).</summary>
    private static List<string> Columns(string csv) =>
        [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => string.Join(",", line.Split(',').Take(3)))];
}
