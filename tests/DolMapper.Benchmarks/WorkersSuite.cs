using System.Diagnostics;
using DolMapper.Web.Scoring;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DolMapper.Benchmarks;

/// <summary>
/// workers: a queue of six scoring runs (the example profiles and variants of the oncology one)
/// finished by three <c>dolmapper worker</c> processes, against the same queue finished by one —
/// the baseline, measured in the same run on a copy of the same world. Each process runs two jobs
/// at once. The speed-up needs cores: a scoring run keeps a core of .NET and one of PostgreSQL busy.
/// </summary>
public static class WorkersSuite
{
    private const int Profiles = 6;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var scale = context.Scale;
        var results = new List<Result>();
        var baseDatabase = await ImportSuite.EnsureWorldDatabaseAsync(context, results);
        var database = $"bench_{scale.Name}_workers";
        await context.CopyDatabaseAsync(baseDatabase, database);

        var profileIds = new List<int>();
        await using (var app = await context.OpenAppAsync(database))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var profiles = scope.ServiceProvider.GetRequiredService<ScoringProfiles>();
            await profiles.EnsureExamplesAsync("benchmark", CancellationToken.None);
            var oncology = ExampleProfiles.OncologyScientificExchange;
            for (var i = 1; (await profiles.LatestAsync(activeOnly: true, CancellationToken.None)).Count < Profiles; i++)
            {
                await profiles.SaveAsync(oncology with { Name = $"{oncology.Name} (variant {i})", Scope = DolMapper.Scoring.ProfileDefinition.AllScope }, "benchmark", CancellationToken.None);
            }
            profileIds.AddRange((await profiles.LatestAsync(activeOnly: true, CancellationToken.None)).Take(Profiles).Select(p => p.ProfileId));
            // Every person classified once, as a nightly run finds them.
            var first = await scope.ServiceProvider.GetRequiredService<ScoringRunner>().RunAsync(oncology.Name, "benchmark", null, CancellationToken.None);
            if (!first.Single().Complete)
            {
                throw new InvalidOperationException(first.Single().Message);
            }
        }

        var one = await QueueAsync(context, database, profileIds, processes: 1);
        var three = await QueueAsync(context, database, profileIds, processes: 3);
        var speedUp = one / three;
        var cores = Environment.ProcessorCount;
        results.Add(new Result("workers", scale, $"{Profiles} scoring runs by 3 worker processes", three, "s",
            $"the same queue by 1 worker process", one, speedUp, "≥ 1.8× faster on a machine with enough cores (≥ 6)", cores >= 6 ? speedUp >= 1.8 : null,
            $"{cores} cores; each process runs 2 jobs at once. " + (cores >= 6 ? "" :
                "With fewer cores than the runs' .NET and PostgreSQL work, more processes share the same cores: the figure shows the overhead, not the scaling.")));
        NpgsqlConnection.ClearAllPools();
        await context.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        return results;
    }

    /// <summary>Seconds from queueing one run of each profile until all are complete, with <paramref name="processes"/> workers started beforehand.</summary>
    private static async Task<double> QueueAsync(BenchmarkContext context, string database, IReadOnlyList<int> profiles, int processes)
    {
        var connection = context.ConnectionString(database);
        await context.ExecuteAsync("TRUNCATE hangfire.job, hangfire.jobqueue, hangfire.server CASCADE", database);
        var workers = Enumerable.Range(0, processes).Select(_ => StartWorker(connection)).ToList();
        try
        {
            await WaitAsync(context, database, $"SELECT count(*) FROM hangfire.server WHERE lastheartbeat > now() - interval '1 minute'", processes, workers, TimeSpan.FromMinutes(2));
            var before = (long)(await context.ScalarAsync("SELECT coalesce(max(id), 0) FROM scoring_runs", database))!;
            await using var app = await context.OpenAppAsync(database);
            var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
            var clock = Stopwatch.StartNew();
            foreach (var profile in profiles)
            {
                ScoringRunJob.Enqueue(jobs, profile, "benchmark");
            }
            await WaitAsync(context, database, $"SELECT count(*) FROM scoring_runs WHERE id > {before} AND status = 'complete'", profiles.Count, workers, TimeSpan.FromMinutes(60));
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var worker in workers)
            {
                if (!worker.HasExited)
                {
                    worker.Kill(entireProcessTree: true);
                    await worker.WaitForExitAsync();
                }
                worker.Dispose();
            }
        }
    }

    private static Process StartWorker(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dolmapper.dll"));
        start.ArgumentList.Add("worker");
        start.ArgumentList.Add($"--ConnectionStrings:DolMapper={connectionString}");
        start.ArgumentList.Add("--DolMapper:Jobs:WorkerCount=2");
        start.ArgumentList.Add("--Serilog:MinimumLevel:Default=Warning");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitAsync(BenchmarkContext context, string database, string sql, long expected, IReadOnlyList<Process> workers, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((long)(await context.ScalarAsync(sql, database))! < expected)
        {
            if (workers.Any(w => w.HasExited) || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"never reached {expected}: {sql}");
            }
            await Task.Delay(200);
        }
    }
}
