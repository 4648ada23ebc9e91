using System.Diagnostics;
using DolMapper.Web.Data;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Benchmarks;

/// <summary>
/// insights (docs/insights.md): over the scored world (the score suite's result), what keeping the
/// insights current costs a run — the oncology example read in its topic, with its product list,
/// run without them and then with them (trends, concern themes, products) — and the insights pages
/// under 20 concurrent signed-in clients: the profile's insights page, its first item and its first
/// product. Baselines in the same run: the run without the insights; the p95 of the app's liveness
/// endpoint under the same load (the web suite's baseline).
/// </summary>
public static class InsightsSuite
{
    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var results = new List<Result>();
        var database = await ScoreSuite.EnsureScoredDatabaseAsync(context, results);
        var topic = ExampleProfiles.OncologyScientificExchange;
        await using (var app = await context.OpenAppAsync(database))
        {
            // A scored world kept from before product lists existed gets the example's list.
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<DolMapperDbContext>();
                if (!db.Products.Any() && ExampleProfiles.ProductsOf(topic) is { } list)
                {
                    var saved = await scope.ServiceProvider.GetRequiredService<ProductLists>().SaveAsync([list], "benchmark", CancellationToken.None);
                    if (!saved.Ok)
                    {
                        throw new InvalidOperationException(string.Join(" ", saved.Problems));
                    }
                }
            }
            async Task<(ScoringRunReport Report, double Seconds)> RunAsync(bool keep)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var runner = scope.ServiceProvider.GetRequiredService<ScoringRunner>();
                runner.KeepTrends = keep;
                var clock = Stopwatch.StartNew();
                var report = (await runner.RunAsync(topic.Name, "benchmark", null, CancellationToken.None)).Single();
                if (!report.Complete)
                {
                    throw new InvalidOperationException(report.Message);
                }
                return (report, clock.Elapsed.TotalSeconds);
            }
            // Without first, so the run the pages read is one with its insights.
            var (bare, bareSeconds) = await RunAsync(keep: false);
            var (kept, keptSeconds) = await RunAsync(keep: true);
            var steps = await context.ScalarAsync($"SELECT details -> 'seconds' FROM scoring_runs WHERE id = {kept.RunId}", database) as string;
            var counts = await context.ScalarAsync($"SELECT (details -> 'trends')::text || ' ' || coalesce((details -> 'products')::text, '') FROM scoring_runs WHERE id = {kept.RunId}", database);
            results.Add(new Result("insights", context.Scale, "the topic-scoped run keeping its insights, against the same run without", keptSeconds, "s",
                "the topic-scoped run without the insights", bareSeconds, keptSeconds / bareSeconds, "ratio ≤ 1.2", keptSeconds / bareSeconds <= 1.2,
                $"{kept.Message} Kept: {counts}. Steps (s): {steps}. Without: {bare.Message}"));
        }

        await using var web = await WebApp.StartAsync(context, database);
        var run = await web.ScalarAsync<long>($"SELECT max(r.id) FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id WHERE p.name = '{topic.Name.Replace("'", "''")}' AND r.status = 'complete'");
        var firstItem = await web.ScalarAsync<string>($"SELECT kind || '&item=' || item FROM topic_trends WHERE run_id = {run} ORDER BY rank LIMIT 1");
        var firstProduct = await web.ScalarAsync<string>($"SELECT product FROM product_summaries WHERE run_id = {run} ORDER BY rank LIMIT 1");
        var profile = Uri.EscapeDataString(topic.Name);
        var kinds = new (string Kind, string Path)[]
        {
            ("insights page", $"/Insights?profile={profile}"),
            ("insights item page (the first item)", $"/Insights/Item?profile={profile}&kind={firstItem}"),
            ("insights product page (the most mentioned)", $"/Insights/Product?profile={profile}&product={Uri.EscapeDataString(firstProduct)}"),
        };
        var clients = new List<HttpClient>();
        for (var i = 0; i < WebSuite.Clients; i++)
        {
            clients.Add(await web.SignInAsync());
        }
        var baseline = await WebSuite.LoadAsync(clients, "/health/live");
        foreach (var (kind, path) in kinds)
        {
            // One request first: a page's first answer compiles its view and warms its queries.
            (await clients[0].GetAsync(path)).EnsureSuccessStatusCode();
            var clock = Stopwatch.StartNew();
            var p95 = await WebSuite.LoadAsync(clients, path);
            var seconds = clock.Elapsed.TotalSeconds;
            results.Add(new Result("insights", context.Scale, $"p95, {kind}", p95, "ms", $"p95 of /health/live, {WebSuite.Clients} clients", baseline, p95 / baseline,
                "≤ 300 ms", p95 <= 300,
                $"{WebSuite.RequestsPerKind} requests by {WebSuite.Clients} concurrent clients: GET {path}; {(WebSuite.RequestsPerKind + WebSuite.Clients) / seconds:0} requests/s"));
        }
        foreach (var client in clients)
        {
            client.Dispose();
        }
        return results;
    }
}
