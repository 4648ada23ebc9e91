using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Jobs;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>
/// kill -9 in the middle of each long operation, then start again: the data ends up as a clean run
/// leaves it, and no run stays in a non-final state. The moment of the kill is random (the seed is
/// in the test's output when it fails).
/// </summary>
[Trait("Category", "Slow")]
public sealed class FaultTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    internal static readonly int Seed = Environment.TickCount;
    private readonly Random _random = new(Seed);

    internal static string Database(string connectionString) => $"--ConnectionStrings:DolMapper={connectionString}";

    /// <summary>Waits until <paramref name="sql"/> counts more than zero, or the process has exited.</summary>
    internal static async Task WaitUntilAsync(string connectionString, string sql, CliProcess process, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await Sql.CountAsync(connectionString, sql) == 0)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never saw: {sql} (exited: {process.HasExited})\n{process.StandardError}");
            }
            await Task.Delay(50);
        }
    }

    internal static Task<long> UnfinishedRunsAsync(string connectionString) => Sql.CountAsync(connectionString,
        "SELECT (SELECT count(*) FROM ingestion_runs WHERE status NOT IN ('complete', 'failed')) + (SELECT count(*) FROM scoring_runs WHERE status NOT IN ('complete', 'failed'))");

    private static IEnumerable<string> WorldLines()
    {
        for (var a = 1; a <= 3_000; a++)
        {
            yield return $$"""{"type":"account","platform":"x","id":"{{a}}","handle":"h{{a}}","name":"Dr Person {{a}}, MD","bio":"Oncologist","followers":{{a * 7 % 1000}}}""";
        }
        for (var p = 1; p <= 90_000; p++)
        {
            var author = (p % 3_000) + 1;
            var other = ((p * 31) % 3_000) + 1;
            var reply = p > 10 && p % 3 == 0 ? $$""","reply_to":{"post_id":"{{p - 7}}"}""" : "";
            yield return $$"""{"type":"post","platform":"x","id":"{{p}}","account_id":"{{author}}","created_at":"2026-10-{{(p % 28) + 1:00}}T10:00:00Z","text":"Post {{p}} #bcsm","mentions":["{{other}}"],"likes":{{p % 13}}{{reply}}}""";
        }
    }

    [Fact]
    public async Task An_import_killed_at_a_random_point_and_run_again_leaves_the_data_of_a_clean_import()
    {
        await using var clean = await ImportDatabase.CreateAsync(postgres);
        var file = clean.WriteFile("world.jsonl", WorldLines());
        await clean.ImportFileAsync(file, batchSize: 3_000);
        var expected = await clean.SnapshotAsync();

        var killed = await postgres.CreateMigratedDatabaseAsync();
        await using (var import = CliProcess.Start(["import", file, "--batch-size", "3000", Database(killed)]))
        {
            await WaitUntilAsync(killed, "SELECT count(*) FROM ingestion_runs WHERE fetched > 0", import, TimeSpan.FromSeconds(60));
            await Task.Delay(_random.Next(0, 1_500));
            import.KillHard();
        }
        var interrupted = await Sql.CountAsync(killed, "SELECT count(*) FROM ingestion_runs WHERE status = 'running'");

        await using (var again = await CliProcess.RunAsync(["import", file, "--batch-size", "3000", Database(killed)]))
        {
            Assert.True(again.ExitCode == 0, $"seed {Seed}: {again.StandardError}");
        }

        Assert.Equal(0L, await UnfinishedRunsAsync(killed));
        Assert.Equal(interrupted, await Sql.CountAsync(killed, $"SELECT count(*) FROM ingestion_runs WHERE status = 'failed' AND message = '{InterruptedWork.Message}'"));
        await using var after = await ImportDatabase.AttachAsync(killed);
        Assert.True(expected == await after.SnapshotAsync(), $"seed {Seed}: the data differs from a clean import");
    }

    private static string Status(int n) => $$"""
        {"id": "{{200000 + n}}", "created_at": "2026-11-{{(n % 28) + 1:00}}T15:00:00.000Z", "in_reply_to_id": null, "in_reply_to_account_id": null,
         "language": "en", "uri": "https://med.example/users/u{{n % 50}}/statuses/{{200000 + n}}", "url": "https://med.example/@u{{n % 50}}/{{200000 + n}}",
         "replies_count": 0, "reblogs_count": 1, "favourites_count": {{n % 9}},
         "content": "<p>Update {{n}} <a href=\"https://med.example/tags/bcsm\" class=\"mention hashtag\" rel=\"tag\">#<span>bcsm</span></a></p>", "reblog": null,
         "account": {"id": "{{9000 + (n % 50)}}", "username": "u{{n % 50}}", "acct": "u{{n % 50}}@med.example", "display_name": "Dr U{{n % 50}}", "note": "<p>Oncologist</p>",
                     "url": "https://med.example/@u{{n % 50}}", "followers_count": {{n % 50 * 10}}, "following_count": 5, "statuses_count": 70, "created_at": "2022-11-01T00:00:00.000Z"},
         "mentions": [{"id": "{{9000 + ((n + 1) % 50)}}", "username": "u{{(n + 1) % 50}}", "url": "https://med.example/@u{{(n + 1) % 50}}", "acct": "u{{(n + 1) % 50}}@med.example"}],
         "tags": [{"name": "bcsm", "url": "https://med.example/tags/bcsm"}]}
        """;

    [Fact]
    public async Task An_ingestion_pass_killed_at_a_random_point_and_run_again_leaves_the_data_of_a_clean_pass()
    {
        await using var server = await FakeMastodonServer.StartAsync();
        for (var page = 0; page < 20; page++)
        {
            server.Pages.Add("[" + string.Join(",", Enumerable.Range(page * 20, 20).Select(Status)) + "]");
        }
        server.Delay = TimeSpan.FromMilliseconds(150);
        string[] Pass(string connection) => ["ingest", "mastodon", "--base-url", server.BaseUrl, "--query", "bcsm", Database(connection)];

        await using var clean = await ImportDatabase.CreateAsync(postgres);
        await using (var pass = await CliProcess.RunAsync(Pass(clean.ConnectionString)))
        {
            Assert.True(pass.ExitCode == 0, pass.StandardError);
        }
        var expected = await clean.SnapshotAsync();

        var killed = await postgres.CreateMigratedDatabaseAsync();
        await using (var pass = CliProcess.Start(Pass(killed)))
        {
            await WaitUntilAsync(killed, "SELECT count(*) FROM ingestion_runs", pass, TimeSpan.FromSeconds(60));
            await Task.Delay(_random.Next(0, 2_500));
            pass.KillHard();
        }
        await using (var again = await CliProcess.RunAsync(Pass(killed)))
        {
            Assert.True(again.ExitCode == 0, $"seed {Seed}: {again.StandardError}");
        }

        Assert.Equal(0L, await UnfinishedRunsAsync(killed));
        await using var after = await ImportDatabase.AttachAsync(killed);
        Assert.True(expected == await after.SnapshotAsync(), $"seed {Seed}: the data differs from a clean pass");
    }

    [Fact]
    public async Task A_run_whose_process_is_alive_is_left_alone_and_one_whose_process_died_is_failed()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await Sql.ExecuteAsync(connection, """
            INSERT INTO ingestion_runs (id, kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, details, message)
            VALUES (1, 'import', 'alive', 't', now(), 'running', 0, 0, 0, 0, 0, 0, 0, 0, '{}', 'importing'),
                   (2, 'import', 'dead', 't', now(), 'running', 0, 0, 0, 0, 0, 0, 0, 0, '{}', 'importing'),
                   (3, 'import', 'waiting upload', 't', now(), 'running', 0, 0, 0, 0, 0, 0, 0, 0, '{}', 'queued');
            """);
        // A run's table a crash left behind, made by the owner as dolmapper_run_scores_create makes it.
        await Sql.ExecuteAsync(postgres.OwnerConnectionString(connection), "CREATE TABLE person_scores_run_999 (LIKE person_scores)");
        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        await using var worker = await dataSource.OpenConnectionAsync();
        await RunLiveness.HoldAsync(worker, RunLiveness.Ingestion, 1, CancellationToken.None);

        var recovered = await new InterruptedWork(dataSource, NullLogger<InterruptedWork>.Instance).RecoverAsync(CancellationToken.None);

        Assert.Equal([2L], recovered.IngestionRuns);
        Assert.Equal(["person_scores_run_999"], recovered.DroppedTables);
        Assert.Equal(["1 running", "2 failed", "3 running"], await Sql.ColumnAsync(connection, "SELECT id || ' ' || status FROM ingestion_runs ORDER BY id"));
    }

    [Fact]
    public async Task The_app_recovers_on_its_own_when_the_database_server_restarts_under_it()
    {
        var directory = TestPaths.NewTempDirectory("pg-restart");
        LocalPostgresServer? server = null;
        try
        {
            server = await LocalPostgresServer.StartOrAttachAsync(directory, new LocalDatabaseOptions { Unsafe = true, Database = "restart" }, NullLogger.Instance);
            await using var app = await TestApp.StartAsync(server.ConnectionStringFor("restart"));
            using var client = await app.SignInAsync(DolMapper.Web.Infrastructure.Auth.Roles.Admin);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

            await server.RestartAsync();

            // The pools' connections died with the server: at most the first request that meets one
            // fails, and the pools are emptied, so every request after it works.
            var failures = 0;
            var pages = new[] { "/Admin/Audit", "/Rankings", "/health/ready", "/Admin/Sources", "/Import", "/Admin/Audit", "/Rankings", "/health/ready" };
            foreach (var address in pages)
            {
                var response = await client.GetAsync(new Uri(address, UriKind.Relative));
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    failures++;
                }
            }
            Assert.InRange(failures, 0, 1);
            foreach (var address in pages)
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri(address, UriKind.Relative))).StatusCode);
            }
            // The job server too: a job enqueued after the restart runs.
            var jobs = app.Services.GetRequiredService<Hangfire.IBackgroundJobClient>();
            var id = jobs.Enqueue<InterruptedWork>(w => w.RecoverAsync(CancellationToken.None));
            var monitor = app.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
            var jobDeadline = DateTime.UtcNow.AddSeconds(60);
            while (monitor.JobDetails(id).History.FirstOrDefault()?.StateName != "Succeeded" && DateTime.UtcNow < jobDeadline)
            {
                await Task.Delay(250);
            }
            Assert.Equal("Succeeded", monitor.JobDetails(id).History.First().StateName);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            TestPaths.DeleteQuietly(directory);
        }
    }
}
