using DolMapper.Web.Infrastructure;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>
/// kill -9 in the middle of a scoring run, then score again (as <see cref="FaultTests"/> does for
/// imports and source passes; a class of its own so the long scoring case runs beside the others).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ScoringFaultTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private readonly Random _random = new(FaultTests.Seed);

    [Fact]
    public async Task A_scoring_run_killed_at_a_random_point_is_failed_its_table_dropped_and_the_next_run_scores_as_a_clean_one()
    {
        var connection = await FaultWorld.CopyAsync(postgres);

        await using (var score = CliProcess.Start(["score", "--profile", "Fault", FaultTests.Database(connection)]))
        {
            await FaultTests.WaitUntilAsync(connection, "SELECT count(*) FROM scoring_runs", score, TimeSpan.FromMinutes(3));
            // Somewhere between reading the inputs and writing (or attaching) the run's own table.
            await Task.Delay(_random.Next(0, 2_500));
            score.KillHard();
        }
        var killedRun = (long)(await Sql.ScalarAsync(connection, "SELECT min(id) FROM scoring_runs"))!;
        var killedStatus = (string)(await Sql.ScalarAsync(connection, $"SELECT status FROM scoring_runs WHERE id = {killedRun}"))!;

        await using (var again = await CliProcess.RunAsync(["score", "--profile", "Fault", FaultTests.Database(connection)], timeout: TimeSpan.FromMinutes(4)))
        {
            Assert.True(again.ExitCode == 0, $"seed {FaultTests.Seed}: {again.StandardError}{again.StandardOutput}");
        }
        await using (var reference = await CliProcess.RunAsync(["score", "--profile", "Fault", FaultTests.Database(connection)], timeout: TimeSpan.FromMinutes(4)))
        {
            Assert.True(reference.ExitCode == 0, reference.StandardError);
        }

        Assert.Equal(0L, await FaultTests.UnfinishedRunsAsync(connection));
        if (killedStatus == "running")
        {
            Assert.Equal("failed", await Sql.ScalarAsync(connection, $"SELECT status FROM scoring_runs WHERE id = {killedRun}"));
            Assert.Equal(0L, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_score_evidence WHERE run_id = {killedRun}"));
        }
        // No detached run table is left behind (each holds personal data).
        Assert.Equal(0L, await Sql.CountAsync(connection, """
            SELECT count(*) FROM pg_class c WHERE c.relkind = 'r' AND c.relname ~ '^person_scores_run_[0-9]+$'
              AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
            """));
        // The run after the crash scores exactly as a run with no crash before it.
        var runs = await Sql.ColumnAsync(connection, "SELECT id::text FROM scoring_runs WHERE status = 'complete' ORDER BY id DESC LIMIT 2");
        const string scores = "SELECT string_agg(person_id || ':' || rank || ':' || round(score::numeric, 9), ',' ORDER BY person_id) FROM person_scores WHERE run_id = ";
        var recovered = await Sql.ScalarAsync(connection, scores + runs[1]);
        Assert.NotNull(recovered);
        Assert.Equal(await Sql.ScalarAsync(connection, scores + runs[0]), recovered);
    }
}

/// <summary>kill -9 in the middle of persona training, then score again (a class of its own so it runs beside the scoring case).</summary>
[Trait("Category", "Slow")]
public sealed class PersonaFaultTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private readonly Random _random = new(FaultTests.Seed);

    [Fact]
    public async Task Persona_training_killed_at_a_random_point_leaves_all_or_nothing_and_the_next_training_completes()
    {
        var connection = await FaultWorld.CopyAsync(postgres);
        await using (var score = CliProcess.Start(["score", "--profile", "Fault", FaultTests.Database(connection)]))
        {
            // The run is complete; the verb now trains personas on it.
            await FaultTests.WaitUntilAsync(connection, "SELECT count(*) FROM scoring_runs WHERE status = 'complete'", score, TimeSpan.FromMinutes(3));
            await Task.Delay(_random.Next(0, 1_500));
            score.KillHard();
        }
        var first = (long)(await Sql.ScalarAsync(connection, "SELECT max(id) FROM scoring_runs WHERE status = 'complete'"))!;
        var scored = await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores WHERE run_id = {first}");
        var assigned = await Sql.CountAsync(connection, $"SELECT count(*) FROM persona_assignments WHERE run_id = {first}");
        Assert.True(assigned == 0 || assigned == scored, $"seed {FaultTests.Seed}: {assigned} of {scored} persons have a persona after the kill");

        await using (var again = await CliProcess.RunAsync(["score", "--profile", "Fault", FaultTests.Database(connection)], timeout: TimeSpan.FromMinutes(4)))
        {
            Assert.True(again.ExitCode == 0, $"seed {FaultTests.Seed}: {again.StandardError}{again.StandardOutput}");
        }

        Assert.Equal(0L, await FaultTests.UnfinishedRunsAsync(connection));
        var latest = (long)(await Sql.ScalarAsync(connection, "SELECT max(id) FROM scoring_runs WHERE status = 'complete'"))!;
        Assert.Equal(await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores WHERE run_id = {latest}"),
            await Sql.CountAsync(connection, $"SELECT count(*) FROM persona_assignments WHERE run_id = {latest}"));
        Assert.Equal(1L, await Sql.CountAsync(connection, "SELECT count(*) FROM trained_models WHERE kind = 'personas' AND is_active"));
    }
}

/// <summary>
/// The world both kill tests score: a small demo world and one scoring profile, "Fault", made once
/// per test run through the command line (demo seed, import, profiles import) and copied for each test.
/// </summary>
internal static class FaultWorld
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _database;

    public static async Task<string> CopyAsync(PostgresFixture postgres)
    {
        await Gate.WaitAsync();
        try
        {
            _database ??= await BuildAsync(postgres);
            return await postgres.CopyDatabaseAsync(_database);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> BuildAsync(PostgresFixture postgres)
    {
        var directory = TestPaths.NewTempDirectory("fault-world");
        try
        {
            var connection = await postgres.CreateMigratedDatabaseAsync();
            var world = Path.Combine(directory, "world.jsonl.gz");
            await using (var seed = await CliProcess.RunAsync(["demo", "seed", "--persons", "1500", "--posts", "45000", "--seed", "11", "--out", world]))
            {
                Assert.True(seed.ExitCode == 0, seed.StandardError);
            }
            var profile = Path.Combine(directory, "profile.json");
            await File.WriteAllTextAsync(profile, """
                {"name":"Fault","hashtags":["bcsm","oncology"],"keywords":["breast cancer"],"countries":[],"window_days":365,
                 "min_hcp_confidence":0.5,"weights":{"relevance":1,"peer_trust":1,"science":1,"activity":0.5}}
                """);
            foreach (var args in new[] { new[] { "import", world }, ["profiles", "import", profile] })
            {
                await using var step = await CliProcess.RunAsync([.. args, FaultTests.Database(connection)]);
                Assert.True(step.ExitCode == 0, step.StandardError);
            }
            return connection;
        }
        finally
        {
            TestPaths.DeleteQuietly(directory);
        }
    }
}
