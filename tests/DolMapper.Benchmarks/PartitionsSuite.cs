using System.Diagnostics;
using DolMapper.Web.Data;
using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DolMapper.Benchmarks;

/// <summary>
/// partitions: the scored world with plain posts and interactions (the baseline) against the same
/// world after <c>dolmapper partition --partitions 8</c> (hash by author), in the same run: a scoring
/// run of the oncology example, the import slice of the import suite (one writer session), one
/// author's latest posts, and the window's GROUP BY per author; two rounds, alternating, the better
/// figure of each shape kept. Informative: the figures choose the default (docs/operations.md, "Partitioned posts and interactions").
/// </summary>
public static class PartitionsSuite
{
    public const int Partitions = 8;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var scale = context.Scale;
        var results = new List<Result>();
        var scored = await ScoreSuite.EnsureScoredDatabaseAsync(context, results);
        var delta = context.File($"delta-{scale.Name}.jsonl.gz");
        if (!File.Exists(delta))
        {
            results.AddRange(await ImportSuite.RunAsync(context));
        }
        var database = $"bench_{scale.Name}_partitions";
        var measured = new Dictionary<int, Measures>();
        double conversion = 0;
        // Two rounds, alternating, the better of each kept: whichever shape goes first pays for a cold cache.
        foreach (var partitions in new[] { 0, Partitions, 0, Partitions })
        {
            await context.CopyDatabaseAsync(scored, database);
            if (partitions > 0)
            {
                var clock = Stopwatch.StartNew();
                await PostPartitioning.ApplyAsync(context.ConnectionString(database), partitions, context.Logging.CreateLogger("partitions"), CancellationToken.None);
                conversion = clock.Elapsed.TotalSeconds;
            }
            else
            {
                // The copy's rows were vacuumed when the world was loaded; the partitioned copy is vacuumed by the rebuild.
                await context.ExecuteAsync("VACUUM (ANALYZE) posts", database);
                await context.ExecuteAsync("VACUUM (ANALYZE) interactions", database);
            }
            var now = await MeasureAsync(context, database, delta);
            measured[partitions] = measured.TryGetValue(partitions, out var earlier)
                ? new Measures(Math.Min(earlier.ScoreSeconds, now.ScoreSeconds), Math.Max(earlier.ImportRate, now.ImportRate),
                    Math.Min(earlier.LookupMilliseconds, now.LookupMilliseconds), Math.Min(earlier.GroupBySeconds, now.GroupBySeconds))
                : now;
        }

        var plain = measured[0];
        var parted = measured[Partitions];
        void Add(string measure, double value, double baseline, string unit, string details) =>
            results.Add(new Result("partitions", scale, $"{measure}, {Partitions} hash partitions by author", value, unit,
                "the same on plain tables", baseline, value / baseline, "(informative: chooses the default)", null, details));
        Add("one scoring run", parted.ScoreSeconds, plain.ScoreSeconds, "s", "Oncology - scientific exchange, classification current");
        Add("import end to end, 1 writer session", parted.ImportRate, plain.ImportRate, "posts/s", "the import suite's slice (a tenth of the scale) into the scored world");
        Add("one author's latest 50 posts, mean of 500 authors", parted.LookupMilliseconds, plain.LookupMilliseconds, "ms", "SELECT … WHERE account_id = $1 ORDER BY created_at DESC LIMIT 50");
        Add("posts per author over the window (GROUP BY)", parted.GroupBySeconds, plain.GroupBySeconds, "s", "the score suite's baseline query");
        results.Add(new Result("partitions", scale, $"dolmapper partition --partitions {Partitions} of the world", conversion, "s", "—", null, null, "(informative)", null,
            "rebuilds posts and interactions with their rows, keys and indexes, then VACUUM (ANALYZE)"));
        return results;
    }

    private sealed record Measures(double ScoreSeconds, double ImportRate, double LookupMilliseconds, double GroupBySeconds);

    private static async Task<Measures> MeasureAsync(BenchmarkContext context, string database, string delta)
    {
        await using var app = await context.OpenAppAsync(database);
        var clock = Stopwatch.StartNew();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var report = (await scope.ServiceProvider.GetRequiredService<ScoringRunner>().RunAsync(ExampleProfiles.OncologyScientificExchange.Name, "benchmark", null, CancellationToken.None)).Single();
            if (!report.Complete)
            {
                throw new InvalidOperationException(report.Message);
            }
        }
        var score = clock.Elapsed.TotalSeconds;

        clock.Restart();
        await context.ExecuteAsync(ScoreSuite.WindowPostsPerAuthor, database);
        var groupBy = clock.Elapsed.TotalSeconds;

        await using (var connection = new Npgsql.NpgsqlConnection(context.ConnectionString(database)))
        {
            await connection.OpenAsync();
            var authors = new List<long>();
            await using (var pick = new Npgsql.NpgsqlCommand("SELECT id FROM accounts WHERE NOT is_stub ORDER BY hashtext(external_id) LIMIT 500", connection))
            await using (var reader = await pick.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    authors.Add(reader.GetInt64(0));
                }
            }
            await using var lookup = new Npgsql.NpgsqlCommand("SELECT id, created_at, text FROM posts WHERE account_id = $1 ORDER BY created_at DESC LIMIT 50", connection);
            lookup.Parameters.Add(new Npgsql.NpgsqlParameter<long>());
            await lookup.PrepareAsync();
            clock.Restart();
            foreach (var author in authors)
            {
                lookup.Parameters[0].Value = author;
                await using var reader = await lookup.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }
            var lookupMs = clock.Elapsed.TotalMilliseconds / authors.Count;

            var import = await app.Services.GetRequiredService<FileImporter>().ImportFilesAsync([delta], new ImportOptions(true, "benchmark", WriterSessions: 1));
            var posts = import.Counts.PostsNew + import.Counts.PostsUpdated + import.Counts.PostsUnchanged + import.Counts.PostsTombstoned;
            return new Measures(score, posts / import.Elapsed.TotalSeconds, lookupMs, groupBy);
        }
    }
}
