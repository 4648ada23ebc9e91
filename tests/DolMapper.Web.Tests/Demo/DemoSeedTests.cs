using System.Text.RegularExpressions;
using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Demo;

[Trait("Category", "Slow")]
public partial class DemoSeedTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [GeneratedRegex(@"lines\s+([\d,]+) read, ([\d,]+) imported, ([\d,]+) rejected")]
    private static partial Regex LinesLine();

    [GeneratedRegex(@"posts\s+([\d,]+) new, ([\d,]+) updated")]
    private static partial Regex PostsLine();

    [Fact]
    public async Task A_seeded_file_imports_completely_into_an_empty_database_and_a_second_import_finds_nothing_new()
    {
        var directory = TestPaths.NewTempDirectory("demo-cli");
        try
        {
            var world = Path.Combine(directory, "world.jsonl.gz");
            var connection = await postgres.CreateEmptyDatabaseAsync();
            var database = $"--ConnectionStrings:DolMapper={connection}";

            await using (var seed = await CliProcess.RunAsync(["demo", "seed", "--persons", "300", "--posts", "6000", "--seed", "5", "--out", world]))
            {
                Assert.True(seed.ExitCode == 0, seed.StandardError);
                Assert.Contains("6,000 posts", seed.StandardOutput);
                Assert.True(File.Exists(Path.Combine(directory, "world.truth.jsonl.gz")));
            }

            await using var first = await CliProcess.RunAsync(["import", world, database]);
            Assert.True(first.ExitCode == 0, first.StandardError + first.StandardOutput);
            var lines = LinesLine().Match(first.StandardOutput);
            Assert.True(lines.Success, first.StandardOutput);
            Assert.Equal(lines.Groups[1].Value, lines.Groups[2].Value);
            Assert.Equal("0", lines.Groups[3].Value);
            Assert.NotEqual("0", PostsLine().Match(first.StandardOutput).Groups[1].Value);

            await using var second = await CliProcess.RunAsync(["import", world, database]);
            Assert.Equal(0, second.ExitCode);
            var again = PostsLine().Match(second.StandardOutput);
            Assert.Equal(("0", "0"), (again.Groups[1].Value, again.Groups[2].Value));
            Assert.Matches(@"accounts\s+0 new, 0 updated", second.StandardOutput);

            Assert.True(await Sql.CountAsync(connection, "SELECT count(*) FROM posts") > 5_000);
            Assert.Equal(2L, await Sql.CountAsync(connection, "SELECT count(*) FROM ingestion_runs WHERE status = 'complete'"));
        }
        finally
        {
            TestPaths.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task Import_of_a_missing_file_exits_1_and_a_file_with_a_bad_line_exits_1_with_the_rest_imported()
    {
        var directory = TestPaths.NewTempDirectory("import-cli");
        try
        {
            var connection = await postgres.CreateMigratedDatabaseAsync();
            var database = $"--ConnectionStrings:DolMapper={connection}";
            await using (var missing = await CliProcess.RunAsync(["import", Path.Combine(directory, "nope.jsonl"), database]))
            {
                Assert.Equal(1, missing.ExitCode);
                Assert.Contains("no such file", missing.StandardError);
            }

            var file = Path.Combine(directory, "some.jsonl");
            await File.WriteAllTextAsync(file, """
                {"type":"account","platform":"x","id":"1","handle":"a"}
                {"type":"account","platform":"x"}
                {"type":"post","platform":"x","id":"9","account_id":"1","created_at":"2026-01-01T00:00:00Z"}
                """);
            await using var partial = await CliProcess.RunAsync(["import", file, database]);
            Assert.Equal(1, partial.ExitCode);
            Assert.Contains($"{file}:2: missing required field 'id'", partial.StandardOutput);
            Assert.Equal(1L, await Sql.CountAsync(connection, "SELECT count(*) FROM posts"));
            Assert.False(partial.StandardError.Contains('\u001b'), partial.StandardError);
        }
        finally
        {
            TestPaths.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task Serve_in_demo_mode_seeds_an_empty_database_once_and_the_home_page_shows_it()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["DolMapper:DemoWorld:Enabled"] = "true" };
        await using (var app = await TestApp.StartAsync(connection, settings))
        {
            var home = await (await app.SignInAsync(Roles.BrandManager)).GetStringAsync("/");
            Assert.Contains("data-testid=\"summary\"", home);
            Assert.DoesNotContain("data-testid=\"empty-state\"", home);
        }
        var world = DemoWorld.Build(new DemoWorldOptions { Persons = 60, Posts = 600 });
        Assert.Equal(world.Accounts.Length, await Sql.CountAsync(connection, "SELECT count(*) FROM accounts WHERE NOT is_stub"));
        // The example profiles come with the demo, each with a scoring run queued.
        long examples = DolMapper.Web.Scoring.ExampleProfiles.All.Count + DolMapper.Web.Scoring.ExampleProfiles.Patients.Count;
        Assert.Equal(examples, await Sql.CountAsync(connection, "SELECT count(*) FROM scoring_profiles WHERE active"));
        Assert.Equal(examples, await Sql.CountAsync(connection, "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%ScoringRunJob%'"));
        var posts = await Sql.CountAsync(connection, "SELECT count(*) FROM posts");

        // A second start finds data and does not seed again.
        await using (await TestApp.StartAsync(connection, settings))
        {
        }
        Assert.Equal(posts, await Sql.CountAsync(connection, "SELECT count(*) FROM posts"));
        Assert.Equal(1L, await Sql.CountAsync(connection, "SELECT count(*) FROM ingestion_runs"));
    }
}
