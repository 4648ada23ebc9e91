using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.LocalDatabase;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// Backup and restore as docs/operations.md tells an operator to do them: <c>pg_dump -Fc</c> of a
/// seeded and scored database, <c>pg_restore</c> into a new one, and DolMapper started on the copy
/// shows the same rankings and can score again.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BackupRestoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_dump_restored_into_a_new_database_gives_the_same_rankings_and_scores_again()
    {
        var original = await postgres.CreateMigratedDatabaseAsync();
        string profile;
        await using (var scoring = await ScoringServices.CreateAsync(original))
        {
            await scoring.SeedDemoWorldAsync(new DemoWorldOptions { Persons = 300, Posts = 6_000, Seed = 9 });
            await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().EnsureExamplesAsync("test", CancellationToken.None));
            Assert.All(await scoring.ScoreAsync(), r => Assert.True(r.Complete, r.Message));
            profile = (await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().LatestAsync(activeOnly: true, CancellationToken.None)))
                .First(p => !p.Definition.IsPatient).Definition.Name;
        }

        var directory = TestPaths.NewTempDirectory("backup");
        try
        {
            var dump = Path.Combine(directory, "dolmapper.dump");
            var owner = new NpgsqlConnectionStringBuilder(postgres.OwnerConnectionString(original));
            await RunAsync("pg_dump", ["-Fc", "-f", dump, "-d", Conninfo(owner)]);
            var restored = await postgres.CreateEmptyDatabaseAsync();
            var restoredOwner = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Database = new NpgsqlConnectionStringBuilder(restored).Database };
            await RunAsync("pg_restore", ["--exit-on-error", "-d", Conninfo(restoredOwner), dump]);

            const string rankings = """
                SELECT string_agg(sp.name || ' ' || p.public_id || ':' || s.rank || ':' || s.score, ',' ORDER BY sp.name, s.rank, p.public_id)
                FROM person_scores s JOIN persons p ON p.id = s.person_id JOIN scoring_runs r ON r.id = s.run_id JOIN scoring_profiles sp ON sp.id = r.profile_id
                """;
            var expected = (string?)await Sql.ScalarAsync(original, rankings);
            Assert.False(string.IsNullOrEmpty(expected));
            Assert.Equal(expected, (string?)await Sql.ScalarAsync(restored, rankings));

            // DolMapper on the copy: the application role reads it (its grants came with the dump), the page shows the same rows.
            var page = $"/Rankings?profile={Uri.EscapeDataString(profile)}";
            await using var onOriginal = await TestApp.StartAsync(original);
            await using var onRestored = await TestApp.StartAsync(restored);
            var rows = await RankingPageRows.ReadAsync(await onOriginal.SignInAsync("Analyst"), page);
            Assert.NotEmpty(rows);
            Assert.Equal(rows, await RankingPageRows.ReadAsync(await onRestored.SignInAsync("Analyst"), page));

            // And it keeps working: a new run on the restored database completes.
            await using var again = await ScoringServices.CreateAsync(restored);
            Assert.True(Assert.Single(await again.ScoreAsync(profile)).Complete);
        }
        finally
        {
            TestPaths.DeleteQuietly(directory);
        }
    }

    private static string Conninfo(NpgsqlConnectionStringBuilder b) =>
        $"host={b.Host} port={b.Port} dbname={b.Database} user={b.Username} password={b.Password}";

    private static async Task RunAsync(string program, IEnumerable<string> arguments)
    {
        var path = Path.Combine(PostgresBinaries.Find(null).Directory, program);
        var result = await ProcessRunner.RunAsync(File.Exists(path) ? path : program, arguments, null, TimeSpan.FromMinutes(3), CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"{program} failed (exit {result.ExitCode}): {result.Output}");
    }
}
