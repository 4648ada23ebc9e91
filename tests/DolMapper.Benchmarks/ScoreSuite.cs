using System.Diagnostics;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DolMapper.Benchmarks;

/// <summary>
/// score: one scoring run of the oncology example profile over the whole world at the scale, in a
/// copy of the loaded world. The first run also classifies every person (reported apart); the
/// measured run is the next one, which finds the classification current — what a nightly run does.
/// Baseline in the same run: PostgreSQL's plain GROUP BY of the window's posts per account, the
/// least any SQL-side aggregation must pay, so the ratio stays comparable across machines.
/// </summary>
public static class ScoreSuite
{
    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var scale = context.Scale;
        var results = new List<Result>();
        var baseDatabase = await ImportSuite.EnsureWorldDatabaseAsync(context, results);
        var runDatabase = $"bench_{scale.Name}_score";
        await context.CopyDatabaseAsync(baseDatabase, runDatabase);
        var target = scale.Name == "small" ? 5.0 : scale.Name == "large" ? 60.0 : 30.0;

        await using var app = await context.OpenAppAsync(runDatabase);
        // The run over everything a person does (scope all; the target is set for it), and the
        // example itself, read in its topic: relevant posts and the topic's engagement graph beside the overall one.
        var everything = ExampleProfiles.OncologyScientificExchange with { Name = "Oncology - scientific exchange (everything)", Scope = DolMapper.Scoring.ProfileDefinition.AllScope };
        var topicProfile = ExampleProfiles.OncologyScientificExchange;
        var profile = everything.Name;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var profiles = scope.ServiceProvider.GetRequiredService<ScoringProfiles>();
            await profiles.EnsureExamplesAsync("benchmark", CancellationToken.None);
            await profiles.SaveAsync(everything, "benchmark", CancellationToken.None);
        }

        async Task<ScoringRunReport> RunAsync(string? name = null)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var runner = scope.ServiceProvider.GetRequiredService<ScoringRunner>();
            var report = Assert(await runner.RunAsync(name ?? profile, "benchmark", null, CancellationToken.None));
            return report;
        }

        var first = await RunAsync();
        await context.ExecuteAsync($"DROP DATABASE IF EXISTS {ScoredDatabase(scale)} WITH (FORCE)");
        results.Add(new Result("score", scale, "first run, classifying every person", first.Elapsed.TotalSeconds, "s", "—", null, null, "(informative)", null, first.Message));

        Process.GetCurrentProcess().Refresh();
        var clock = Stopwatch.StartNew();
        var run = await RunAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024 * 1024);

        clock.Restart();
        await context.ExecuteAsync(WindowPostsPerAuthor, runDatabase);
        var groupBy = clock.Elapsed.TotalSeconds;

        var steps = await context.ScalarAsync($"SELECT details -> 'seconds' FROM scoring_runs WHERE id = {run.RunId}", runDatabase);
        results.Add(new Result("score", scale, "one scoring run (classification current)", seconds, "s",
            "PostgreSQL GROUP BY account over the window", groupBy, seconds / groupBy, $"≤ {target:0} s", seconds <= target,
            $"{run.Message} Steps (s): {steps}"));
        results.Add(new Result("score", scale, "peak memory of the process", peak, "GB", "—", null, null, "≤ 2 GB", peak <= 2.0,
            "peak working set of the benchmark process, which holds the scoring run"));

        // The topic reading's cost: its ratio to the same GROUP BY within 1.3× of the run over everything.
        clock.Restart();
        var topicRun = await RunAsync(topicProfile.Name);
        var topicSeconds = clock.Elapsed.TotalSeconds;
        var topicSteps = await context.ScalarAsync($"SELECT details -> 'seconds' FROM scoring_runs WHERE id = {topicRun.RunId}", runDatabase);
        results.Add(new Result("score", scale, "one topic-scoped scoring run (topic graph)", topicSeconds, "s",
            "PostgreSQL GROUP BY account over the window", groupBy, topicSeconds / groupBy, $"ratio ≤ 1.3 × {seconds / groupBy:0.0}", topicSeconds / groupBy <= 1.3 * seconds / groupBy,
            $"{topicRun.Message} Steps (s): {topicSteps}"));
        // Keep the scored world for the web and export suites.
        await context.CopyDatabaseAsync(runDatabase, ScoredDatabase(scale));
        return results;
    }

    public static string ScoredDatabase(Scale scale) => $"bench_{scale.Name}_scored";

    /// <summary>The baseline of a scoring run: PostgreSQL's plain count of the window's posts per author.</summary>
    public const string WindowPostsPerAuthor = """
        SELECT account_id, count(*) FROM posts
        WHERE created_at > (SELECT max(created_at) FROM posts) - interval '365 days' AND deleted_at IS NULL
        GROUP BY account_id
        """;

    /// <summary>The scored world of the scale (the score suite's result), made by running that suite when missing.</summary>
    public static async Task<string> EnsureScoredDatabaseAsync(BenchmarkContext context, List<Result> results)
    {
        var name = ScoredDatabase(context.Scale);
        var exists = await context.ScalarAsync($"SELECT count(*) FROM pg_database WHERE datname = '{name}'") is long n && n > 0;
        if (!exists)
        {
            Console.Error.WriteLine($"No scored world at {context.Scale.Name} scale yet: running the score suite first");
            results.AddRange(await RunAsync(context));
        }
        return name;
    }

    private static ScoringRunReport Assert(IReadOnlyList<ScoringRunReport> reports)
    {
        var report = reports.Single();
        return report.Complete ? report : throw new InvalidOperationException(report.Message);
    }
}
