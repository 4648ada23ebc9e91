using System.Diagnostics;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Benchmarks;

/// <summary>
/// personas: the persona job on the scored world's oncology run (the score suite's result): features,
/// k-means for k = 4..8 with restarts and silhouettes, naming, descriptions from the members' posts,
/// and writing the model and the run's persona column. Baseline in the same run: reading the run's
/// scores and evidence once — the least any persona training must pay.
/// </summary>
public static class PersonaSuite
{
    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var results = new List<Result>();
        var database = await ScoreSuite.EnsureScoredDatabaseAsync(context, results);
        var run = await context.ScalarAsync($"""
            SELECT max(r.id) FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE p.name = '{ExampleProfiles.OncologyScientificExchange.Name.Replace("'", "''")}' AND r.status = 'complete'
            """, database) is long id ? id : throw new InvalidOperationException("The scored world has no oncology run.");
        var clock = Stopwatch.StartNew();
        await context.ExecuteAsync($"""
            SELECT count(*), sum(length(e.evidence::text)) FROM person_scores s JOIN person_score_evidence e ON e.run_id = s.run_id AND e.person_id = s.person_id
            WHERE s.run_id = {run}
            """, database);
        var baseline = clock.Elapsed.TotalSeconds;

        await using var app = await context.OpenAppAsync(database);
        var training = app.Services.GetRequiredService<PersonaTraining>();
        clock.Restart();
        var report = await training.TrainAsync(run, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        if (!report.Trained)
        {
            throw new InvalidOperationException(report.Message);
        }
        var persons = await context.ScalarAsync($"SELECT count(*) FROM person_scores WHERE run_id = {run}", database);
        results.Add(new Result("personas", context.Scale, "persona job on one run", seconds, "s", "reading the run's scores and evidence", baseline, seconds / baseline,
            "≤ 30 s", seconds <= 30, $"{persons:N0} scored persons; {report.Message}"));
        return results;
    }
}
