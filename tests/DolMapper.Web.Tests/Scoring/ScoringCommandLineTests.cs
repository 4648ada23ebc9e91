using System.Globalization;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>The scoring verbs of docs/cli.md, as real processes.</summary>
[Trait("Category", "Slow")]
public sealed class ScoringCommandLineTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Profiles_import_and_export_score_and_export_work_end_to_end()
    {
        var directory = TestPaths.NewTempDirectory("score-cli");
        try
        {
            var connection = await postgres.CreateMigratedDatabaseAsync();
            var database = $"--ConnectionStrings:DolMapper={connection}";
            var profileFile = Path.Combine(directory, "profile.json");
            await File.WriteAllTextAsync(profileFile, """
                {"name":"Onc CLI","hashtags":["bcsm","#Oncology"],"keywords":["breast cancer"],"countries":[],"window_days":365,
                 "min_hcp_confidence":0.5,"weights":{"relevance":1,"peer_trust":1,"science":1}}
                """);

            await using (var export = await CliProcess.RunAsync(["export", "--profile", "Onc CLI", database]))
            {
                Assert.Equal(1, export.ExitCode);
            }
            await using (var import = await CliProcess.RunAsync(["profiles", "import", profileFile, database]))
            {
                Assert.True(import.ExitCode == 0, import.StandardError);
                Assert.Contains("Created 'Onc CLI' (version 1).", import.StandardOutput);
            }
            await using (var again = await CliProcess.RunAsync(["profiles", "import", profileFile, database]))
            {
                Assert.Contains("'Onc CLI' is unchanged (version 1).", again.StandardOutput);
            }
            await using (var exported = await CliProcess.RunAsync(["profiles", "export", "Onc CLI", database]))
            {
                Assert.Equal(0, exported.ExitCode);
                Assert.Contains("\"oncology\"", exported.StandardOutput);
                Assert.Contains("\"community\": 0", exported.StandardOutput);
            }
            await using (var bad = await CliProcess.RunAsync(["profiles", "import", Path.Combine(directory, "missing.json"), database]))
            {
                Assert.Equal(1, bad.ExitCode);
                Assert.Contains("no such file", bad.StandardError);
            }

            await using (var early = await CliProcess.RunAsync(["score", database]))
            {
                Assert.Equal(1, early.ExitCode);
                Assert.Contains("no posts", early.StandardOutput);
            }

            var world = Path.Combine(directory, "world.jsonl.gz");
            await using (var seed = await CliProcess.RunAsync(["demo", "seed", "--persons", "400", "--posts", "12000", "--seed", "3", "--out", world]))
            {
                Assert.True(seed.ExitCode == 0, seed.StandardError);
            }
            await using (var import = await CliProcess.RunAsync(["import", world, database]))
            {
                Assert.True(import.ExitCode == 0, import.StandardError);
            }
            await using (var score = await CliProcess.RunAsync(["score", "--profile", "Onc CLI", database]))
            {
                Assert.True(score.ExitCode == 0, score.StandardError + score.StandardOutput);
                Assert.Matches(@"Onc CLI v1: scored [\d,]+ persons over [\d,]+ posts", score.StandardOutput);
            }
            var csv = Path.Combine(directory, "top.csv");
            await using (var export = await CliProcess.RunAsync(["export", "--profile", "Onc CLI", "--top", "50", "--out", csv, "--bom", database]))
            {
                Assert.True(export.ExitCode == 0, export.StandardError);
                Assert.Contains("Wrote 50 rows", export.StandardOutput);
            }
            var bytes = await File.ReadAllBytesAsync(csv);
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
            var lines = (await File.ReadAllLinesAsync(csv)).ToList();
            Assert.Equal(51, lines.Count);
            var header = ScoringRunTests.ParseCsvLine(lines[0].TrimStart('\uFEFF'));
            var ranks = lines.Skip(1).Select(l => int.Parse(ScoringRunTests.ParseCsvLine(l)[0], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(1, 50), ranks);
            // A reader can recompute the top row's score from its signals and the profile's weights.
            var top = header.Zip(ScoringRunTests.ParseCsvLine(lines[1])).ToDictionary(p => p.First, p => p.Second);
            double D(string k) => double.Parse(top[k], CultureInfo.InvariantCulture);
            Assert.Equal((D("relevance") + D("peer_trust") + D("science")) / 3, D("score"), 0.1);
            Assert.Equal(1L, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.csv'"));

            await using (var stdout = await CliProcess.RunAsync(["export", "--profile", "Onc CLI", "--top", "3", database]))
            {
                Assert.Equal(0, stdout.ExitCode);
                Assert.Equal(4, stdout.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }
        }
        finally
        {
            TestPaths.DeleteQuietly(directory);
        }
    }
}
