using System.Diagnostics;
using System.Globalization;
using DolMapper.Scoring.Events;
using DolMapper.Web.Events;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Benchmarks;

/// <summary>
/// events (docs/events.md): a congress of about 100,000 posts in the scored world — the posts of a
/// span of days (long enough to hold that many) tagged with its hashtag for the run and untagged
/// after it — read by the analyzer, then its page under 20 concurrent signed-in clients and its
/// report (every participant as CSV) by one analyst, 20 times. Baselines in the same run: for the
/// reading, one scan counting the posts of its windows with its hashtag (what the reading cannot do
/// without); for the page, the p95 of the app's liveness endpoint under the same load (the web
/// suite's baseline); for the report, the event page's own single-client time.
/// </summary>
public static class EventsSuite
{
    private const string Tag = "benchcongress";
    private const int TargetPosts = 100_000;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var results = new List<Result>();
        var database = await ScoreSuite.EnsureScoredDatabaseAsync(context, results);
        // The congress: days ending 30 days before the newest post, as many as hold 100,000 posts (at most 30), a share of them tagged.
        var newest = (DateTime)(await context.ScalarAsync("SELECT max(created_at) FROM posts", database))!;
        var perDay = Convert.ToDouble(await context.ScalarAsync($"SELECT count(*) / 30.0 FROM posts WHERE created_at > '{newest.AddDays(-60):yyyy-MM-dd} 00:00+00' AND created_at <= '{newest.AddDays(-30):yyyy-MM-dd} 00:00+00'", database), CultureInfo.InvariantCulture);
        var days = (int)Math.Clamp(Math.Ceiling(TargetPosts / perDay), 1, 30);
        var end = DateOnly.FromDateTime(newest.AddDays(-30));
        var start = end.AddDays(-(days - 1));
        var window = $"created_at >= '{start:yyyy-MM-dd} 00:00+00' AND created_at < '{end.AddDays(1):yyyy-MM-dd} 00:00+00'";
        var inWindow = Convert.ToDouble(await context.ScalarAsync($"SELECT count(*) FROM posts WHERE {window} AND deleted_at IS NULL", database), CultureInfo.InvariantCulture);
        var share = Math.Min(1.0, TargetPosts / inWindow);
        await context.ExecuteAsync($"UPDATE posts SET hashtags = array_append(hashtags, '{Tag}') WHERE {window} AND deleted_at IS NULL AND NOT hashtags @> ARRAY['{Tag}'] AND (hashtag_key(id) < {share.ToString(CultureInfo.InvariantCulture)})"
            .Replace("hashtag_key(id)", "((id * 2654435761) % 1000003) / 1000003.0", StringComparison.Ordinal), database);
        try
        {
            var tagged = Convert.ToInt64(await context.ScalarAsync($"SELECT count(*) FROM posts WHERE hashtags @> ARRAY['{Tag}']", database), CultureInfo.InvariantCulture);
            var definition = new EventDefinition
            {
                Name = "Benchmark congress", Kind = EventKinds.Congress, Hashtags = [Tag], Start = start, End = end, TimeZone = "UTC",
                Profile = ExampleProfiles.OncologyScientificExchange.Name,
            };
            await using (var app = await context.OpenAppAsync(database))
            {
                await using var scope = app.Services.CreateAsyncScope();
                var saved = await scope.ServiceProvider.GetRequiredService<EventStore>().SaveAsync([definition], "benchmark", CancellationToken.None);
                if (!saved.Ok)
                {
                    throw new InvalidOperationException(string.Join(" ", saved.Problems));
                }
                var w = definition.Windows();
                var scan = Stopwatch.StartNew();
                await context.ScalarAsync($"SELECT count(*) FROM posts WHERE created_at >= '{w.BeforeFrom:yyyy-MM-dd HH:mm:ss}+00' AND created_at < '{w.AfterTo:yyyy-MM-dd HH:mm:ss}+00' AND hashtags && ARRAY['{Tag}']", database);
                var scanSeconds = scan.Elapsed.TotalSeconds;
                var clock = Stopwatch.StartNew();
                var report = await scope.ServiceProvider.GetRequiredService<EventAnalyzer>().AnalyzeAsync(definition.Name, CancellationToken.None);
                var seconds = clock.Elapsed.TotalSeconds;
                if (report is not { Succeeded: true })
                {
                    throw new InvalidOperationException(report?.Message ?? "no event");
                }
                results.Add(new Result("events", context.Scale, "reading a congress of ~100,000 posts", seconds, "s", "one scan counting the windows' posts with its hashtag", scanSeconds,
                    seconds / scanSeconds, "(none: a background job)", null, $"{tagged:N0} posts tagged over {days} days; {report.Message}"));
            }

            await using var web = await WebApp.StartAsync(context, database);
            var name = Uri.EscapeDataString(definition.Name);
            var page = $"/Events/Event?name={name}";
            var csv = $"/Events/report.csv?name={name}";
            var clients = new List<HttpClient>();
            for (var i = 0; i < WebSuite.Clients; i++)
            {
                clients.Add(await web.SignInAsync());
            }
            var baseline = await WebSuite.LoadAsync(clients, "/health/live");
            (await clients[0].GetAsync(page)).EnsureSuccessStatusCode();
            var loaded = Stopwatch.StartNew();
            var p95 = await WebSuite.LoadAsync(clients, page);
            var loadSeconds = loaded.Elapsed.TotalSeconds;
            results.Add(new Result("events", context.Scale, "p95, the congress's event page", p95, "ms", $"p95 of /health/live, {WebSuite.Clients} clients", baseline, p95 / baseline,
                "≤ 1000 ms", p95 <= 1000, $"{WebSuite.RequestsPerKind} requests by {WebSuite.Clients} concurrent clients: GET {page}; {(WebSuite.RequestsPerKind + WebSuite.Clients) / loadSeconds:0} requests/s"));
            async Task<(double P95, long Bytes)> SequentialAsync(string path)
            {
                var timings = new List<double>();
                long bytes = 0;
                (await clients[0].GetAsync(path)).EnsureSuccessStatusCode();
                for (var i = 0; i < 20; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var body = await clients[0].GetByteArrayAsync(path);
                    timings.Add(clock.Elapsed.TotalMilliseconds);
                    bytes = body.Length;
                }
                var sorted = timings.Order().ToArray();
                return (sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1], bytes);
            }
            var (pageAlone, _) = await SequentialAsync(page);
            var (reportMs, reportBytes) = await SequentialAsync(csv);
            var rows = await web.ScalarAsync<long>($"SELECT count(*) FROM event_persons WHERE analysis_id = (SELECT max(a.id) FROM event_analyses a JOIN events e ON e.id = a.event_id WHERE e.name = '{definition.Name}' AND a.status = 'complete')");
            results.Add(new Result("events", context.Scale, "p95, the congress's report (CSV of every participant)", reportMs, "ms", "p95 of the event page, one client", pageAlone, reportMs / pageAlone,
                "≤ 1000 ms", reportMs <= 1000, $"20 downloads by one analyst: GET {csv}; {rows:N0} rows, {reportBytes / 1024.0:N0} KB"));
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            // The scored world is shared by the other suites: the tag goes again.
            await context.ExecuteAsync($"UPDATE posts SET hashtags = array_remove(hashtags, '{Tag}') WHERE hashtags @> ARRAY['{Tag}']", database);
            // Tagging and untagging left two dead versions of ~100,000 rows: vacuumed, so the suites after this one scan what they scanned before.
            await context.ExecuteAsync("VACUUM ANALYZE posts", database);
        }
        return results;
    }
}
