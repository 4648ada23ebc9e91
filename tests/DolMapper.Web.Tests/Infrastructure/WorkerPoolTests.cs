using System.Text;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Jobs;
using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Scoring;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>
/// Several <c>worker</c> processes on one database share Hangfire's queue: fifty jobs (uploads to
/// import and scoring runs of six profiles) are each done once, by more than one process, and a
/// worker killed with SIGKILL in the middle of a scoring run leaves the data as a clean run would
/// once another worker has taken the job up again.
/// </summary>
[Trait("Category", "Slow")]
public sealed class WorkerPoolTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Uploads = 44;
    private const int PostsPerUpload = 200;
    private readonly Random _random = new(FaultTests.Seed);

    [Fact]
    public async Task Three_workers_share_fifty_jobs_each_done_once_and_a_killed_workers_job_is_finished_by_another()
    {
        var connection = await FaultWorld.CopyAsync(postgres);
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(connection));
        await app.PrepareAsync();

        // Six profiles: the world's own and five variants of it, so six runs may go side by side.
        var profiles = new List<int>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ScoringProfiles>();
            profiles.Add((await store.LatestAsync("Fault", CancellationToken.None))!.ProfileId);
            for (var i = 2; i <= 6; i++)
            {
                var (saved, problems) = await store.ImportAsync($$$"""
                    {"name":"Fault {{{i}}}","hashtags":["bcsm","oncology"],"keywords":["breast cancer"],"countries":[],"window_days":365,
                     "min_hcp_confidence":0.5,"weights":{"relevance":{{{Weight(i / 10.0)}}},"peer_trust":1,"science":{{{Weight((7 - i) / 10.0)}}},"activity":0.5}}
                    """, "test", CancellationToken.None);
                Assert.Empty(problems);
                profiles.Add(saved.Single().Profile!.ProfileId);
            }
        }

        var timeout = "--DolMapper:Jobs:InvisibilityTimeoutSeconds=15";
        var killedProfile = 0;
        var killedJob = 0L;
        var uploadRuns = new List<long>();
        var workers = Enumerable.Range(0, 3)
            .Select(_ => CliProcess.Start(["worker", "--DolMapper:Jobs:WorkerCount=2", timeout, FaultTests.Database(connection)]))
            .ToList();
        try
        {
            await WaitForAsync(() => Sql.CountAsync(connection, "SELECT count(*) FROM hangfire.server WHERE id LIKE '%:worker:%'"), n => n >= 3, workers, "three job servers");

            // Fifty jobs: 44 uploads and one scoring run of each of the six profiles, queued as users would.
            var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
            var uploads = app.Services.GetRequiredService<UploadStore>();
            var jobIds = new List<string>();
            var scoringJobs = new Dictionary<string, int>();
            for (var u = 0; u < Uploads; u++)
            {
                using var content = new MemoryStream(Encoding.UTF8.GetBytes(UploadLines(u)));
                var (uploadId, runId) = await uploads.SaveAsync($"upload-{u}.jsonl", content, allowRelationships: false, "test", CancellationToken.None);
                uploadRuns.Add(runId);
                jobIds.Add(jobs.Enqueue<ImportUploadJob>(job => job.RunAsync(uploadId, CancellationToken.None)));
                if (u % 8 == 0 && u / 8 < profiles.Count)
                {
                    var id = ScoringRunJob.Enqueue(jobs, profiles[u / 8], "test");
                    scoringJobs[id] = profiles[u / 8];
                    jobIds.Add(id);
                }
            }
            foreach (var profile in profiles.Skip(scoringJobs.Count))
            {
                var id = ScoringRunJob.Enqueue(jobs, profile, "test");
                scoringJobs[id] = profile;
                jobIds.Add(id);
            }
            Assert.Equal(50, jobIds.Count);

            // Kill the first worker seen running a scoring run, at a random point inside it.
            var victim = -1;
            var scoring = string.Join(",", scoringJobs.Keys);
            await WaitForAsync(async () =>
            {
                foreach (var worker in workers)
                {
                    if (await Sql.ScalarAsync(connection, $"""
                        SELECT min(j.id) FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
                        WHERE j.id IN ({scoring}) AND j.statename = 'Processing' AND s.data::text LIKE '%:{worker.Id}:worker:%'
                        """) is long job)
                    {
                        victim = workers.IndexOf(worker);
                        killedJob = job;
                        killedProfile = scoringJobs[job.ToString(System.Globalization.CultureInfo.InvariantCulture)];
                        return 1;
                    }
                }
                return 0;
            }, n => n > 0, workers, "a worker running a scoring run");
            await Task.Delay(_random.Next(0, 3_000));
            workers[victim].KillHard();

            // Every job ends succeeded (the killed one taken up again after the invisibility timeout), and nothing is left queued.
            var ids = string.Join(",", jobIds);
            // (Alone this takes a minute; beside the rest of the suite on two cores, several.)
            try
            {
                await WaitForAsync(() => Sql.CountAsync(connection, $"SELECT count(*) FROM hangfire.job WHERE id IN ({ids}) AND statename = 'Succeeded'"),
                    n => n == jobIds.Count, workers.Where((_, i) => i != victim), "all fifty jobs succeeded", TimeSpan.FromMinutes(12));
            }
            catch (TimeoutException e)
            {
                var states = await Sql.ColumnAsync(connection, $"""
                    SELECT j.id || ' ' || j.statename || ' ' || coalesce(s.data::text, '') || ' fetched ' || coalesce(q.fetchedat::text, '-')
                    FROM hangfire.job j LEFT JOIN hangfire.state s ON s.id = j.stateid LEFT JOIN hangfire.jobqueue q ON q.jobid = j.id
                    WHERE j.id IN ({ids}) AND j.statename <> 'Succeeded'
                    """);
                throw new TimeoutException($"{e.Message}\nkilled worker {workers[victim].Id}, job {killedJob}; unfinished: {string.Join("; ", states)}", e);
            }
            await WaitForAsync(() => Sql.CountAsync(connection, "SELECT count(*) FROM hangfire.job WHERE statename IN ('Enqueued', 'Processing', 'Scheduled', 'Awaiting')"),
                n => n == 0, workers.Where((_, i) => i != victim), "the follow-up jobs done", TimeSpan.FromMinutes(4));
            Assert.Equal(0L, await Sql.CountAsync(connection, "SELECT count(*) FROM hangfire.job WHERE statename = 'Failed'"));

            // The killed worker's job was taken up by another process, not lost and not left to the killed one.
            var processedBy = await Sql.ColumnAsync(connection,
                $"SELECT substring(data::text FROM ':([0-9]+):worker:') FROM hangfire.state WHERE jobid = {killedJob} AND name = 'Processing' ORDER BY id");
            Assert.True(processedBy.Count >= 2 && processedBy[^1] != workers[victim].Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"the killed job was processed by {string.Join(", ", processedBy)}; the killed worker was {workers[victim].Id}");

            // Work spread: the jobs ran on more than one process.
            var servers = await Sql.ColumnAsync(connection, $"""
                SELECT DISTINCT substring(s.data::text FROM ':([0-9]+):worker:') FROM hangfire.job j JOIN hangfire.state s ON s.jobid = j.id
                WHERE j.id IN ({ids}) AND s.name = 'Processing'
                """);
            Assert.True(servers.Count >= 2, $"jobs ran on {servers.Count} process(es)");
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        // The scheduled recovery (every five minutes) fails the killed run; here it is called at once.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<InterruptedWork>().RecoverAsync(CancellationToken.None);
        }
        Assert.Equal(0L, await FaultTests.UnfinishedRunsAsync(connection));

        // Each upload imported once, completely; its posts there once.
        var runIds = string.Join(",", uploadRuns);
        Assert.Equal((long)Uploads, await Sql.CountAsync(connection, $"SELECT count(*) FROM ingestion_runs WHERE id IN ({runIds}) AND status = 'complete'"));
        Assert.Equal((long)Uploads * PostsPerUpload, await Sql.CountAsync(connection, "SELECT count(*) FROM posts WHERE external_id LIKE 'pool-%'"));

        // Each profile has exactly one complete run (the killed run, if it had started, is failed and
        // has no rows), and the ranking of the killed one is what a clean run gives.
        foreach (var profile in profiles)
        {
            Assert.Equal(1L, await Sql.CountAsync(connection, $"SELECT count(*) FROM scoring_runs WHERE profile_id = {profile} AND status = 'complete'"));
        }
        Assert.Equal(0L, await Sql.CountAsync(connection,
            "SELECT count(*) FROM person_scores s JOIN scoring_runs r ON r.id = s.run_id WHERE r.status <> 'complete'"));
        const string scores = "SELECT string_agg(person_id || ':' || rank || ':' || round(score::numeric, 9), ',' ORDER BY person_id) FROM person_scores WHERE run_id = ";
        var retried = (long)(await Sql.ScalarAsync(connection, $"SELECT id FROM scoring_runs WHERE profile_id = {killedProfile} AND status = 'complete'"))!;
        var profileName = (string)(await Sql.ScalarAsync(connection, $"SELECT name FROM scoring_profiles WHERE id = {killedProfile}"))!;
        await using (var clean = await CliProcess.RunAsync(["score", "--profile", profileName, FaultTests.Database(connection)], timeout: TimeSpan.FromMinutes(4)))
        {
            Assert.True(clean.ExitCode == 0, clean.StandardError);
        }
        var reference = (long)(await Sql.ScalarAsync(connection, $"SELECT max(id) FROM scoring_runs WHERE status = 'complete'"))!;
        var expected = await Sql.ScalarAsync(connection, scores + reference);
        Assert.NotNull(expected);
        Assert.Equal(expected, await Sql.ScalarAsync(connection, scores + retried));
    }

    [Fact]
    public async Task A_web_only_process_runs_no_jobs_and_says_queued_work_waits_for_a_job_server()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        var port = LoopbackPorts.Free();
        await using (var web = CliProcess.Start(["serve", "--no-jobs", $"--urls=http://127.0.0.1:{port}", FaultTests.Database(connection)]))
        {
            await WaitForAsync(() => Task.FromResult(web.StandardOutput.Contains("runs no jobs (--no-jobs)", StringComparison.Ordinal) ? 1L : 0L),
                n => n > 0, [web], "the web-only banner");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
            // Hangfire registers a server in the background once the host has started: give it the time it would take.
            await Task.Delay(2_000);
            Assert.Equal(0L, await Sql.CountAsync(connection, $"SELECT count(*) FROM hangfire.server WHERE id LIKE '%:{web.Id}:%'"));
        }

        // The pages say why a queued run does not start while no process runs jobs.
        await using var app = await TestApp.StartAsync(connection, new Dictionary<string, string?> { ["DolMapper:Jobs:Server"] = "false" });
        Assert.Equal(0L, await Sql.CountAsync(connection, "SELECT count(*) FROM hangfire.server WHERE lastheartbeat > now() - interval '2 minutes'"));
        int profileId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ScoringProfiles>();
            await store.EnsureExamplesAsync("test", CancellationToken.None);
            profileId = (await store.LatestAsync(activeOnly: true, CancellationToken.None))[0].ProfileId;
        }
        ScoringRunJob.Enqueue(app.Services.GetRequiredService<IBackgroundJobClient>(), profileId, "test");
        var admin = await app.SignInAsync("Admin");
        var page = await admin.GetStringAsync("/Admin/Profiles");
        Assert.Contains("data-testid=\"no-job-server\"", page);
        Assert.Contains("dolmapper worker", page);

        // Once a worker runs, the same queued run is only waiting its turn.
        await using var worker = CliProcess.Start(["worker", FaultTests.Database(connection)]);
        await WaitForAsync(() => Sql.CountAsync(connection, $"SELECT count(*) FROM hangfire.server WHERE id LIKE '%:{worker.Id}:worker:%'"), n => n > 0, [worker], "the worker's job server");
        Assert.DoesNotContain("data-testid=\"no-job-server\"", await admin.GetStringAsync("/Admin/Profiles"));
    }

    private static string Weight(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An upload of its own accounts and posts (ids unique to the upload), dated inside the world's window.</summary>
    private static string UploadLines(int upload)
    {
        var text = new StringBuilder();
        for (var a = 0; a < 10; a++)
        {
            text.Append($$"""{"type":"account","platform":"x","id":"pool-{{upload}}-{{a}}","handle":"pool{{upload}}_{{a}}","name":"Pool {{upload}} {{a}}","bio":"Reader"}""").Append('\n');
        }
        for (var p = 0; p < PostsPerUpload; p++)
        {
            text.Append($$"""{"type":"post","platform":"x","id":"pool-{{upload}}-{{p}}","account_id":"pool-{{upload}}-{{p % 10}}","created_at":"2025-06-{{(p % 28) + 1:00}}T10:00:00Z","text":"Reading post {{p}}"}""").Append('\n');
        }
        return text.ToString();
    }

    private static async Task WaitForAsync(Func<Task<long>> read, Func<long, bool> done, IEnumerable<CliProcess> processes, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        long value;
        while (!done(value = await read()))
        {
            var exited = processes.FirstOrDefault(p => p.HasExited);
            if (exited is not null || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never saw {what} (last {value}; seed {FaultTests.Seed})\n{exited?.StandardError ?? processes.First().StandardError}");
            }
            await Task.Delay(200);
        }
    }
}
