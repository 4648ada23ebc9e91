using System.Diagnostics;
using DolMapper.Web.Scoring;
using Npgsql;

namespace DolMapper.Benchmarks;

/// <summary>
/// export: the Rankings page's CSV download (GET /Rankings/export.csv) of up to 100,000 rows over
/// HTTP from the web app, read by a client that only counts the bytes. Memory: the process's
/// working set is sampled during an export of a tenth of the rows and during the full one — a
/// streamed export grows by the same few MB both times. Baseline in the same run: PostgreSQL's own
/// COPY ... TO STDOUT (CSV) of the same rows' columns, read through Npgsql.
/// </summary>
public static class ExportSuite
{
    public const int Rows = 100_000;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var results = new List<Result>();
        var database = await ScoreSuite.EnsureScoredDatabaseAsync(context, results);
        await using var web = await WebApp.StartAsync(context, database);
        // After the app's migrations: the state autovacuum leaves the tables in minutes after a run (visibility map set, statistics current).
        await context.ExecuteAsync("VACUUM (ANALYZE) person_scores, person_score_evidence, persons, accounts", database);
        // The exported profile's latest run (the web suite may have scored another profile since).
        var profile = ExampleProfiles.OncologyScientificExchange.Name;
        var runId = await web.ScalarAsync<long>($"""
            SELECT r.id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE r.status = 'complete' AND p.name = '{profile.Replace("'", "''")}' ORDER BY r.completed_at DESC LIMIT 1
            """);
        var scored = await web.ScalarAsync<int>($"SELECT person_count::int FROM scoring_runs WHERE id = {runId}");
        var rows = Math.Min(Rows, scored);
        using var client = await web.SignInAsync();

        async Task<(double Seconds, long Bytes, long Lines, double GrowthMb)> ExportAsync(int top)
        {
            // The export endpoint has no row limit of its own: a minimum score that lets through the top rows does it.
            var min = await web.ScalarAsync<double>($"SELECT score FROM person_scores WHERE run_id = {runId} ORDER BY rank OFFSET {top - 1} LIMIT 1");
            var path = $"/Rankings/export.csv?profile={Uri.EscapeDataString(profile)}&min={min.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
            GC.Collect();
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var start = process.WorkingSet64;
            var peak = start;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                    await Task.Delay(5);
                }
            });
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            long bytes = 0, lines = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
            var seconds = clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            return (seconds, bytes, lines - 1, (peak - start) / (1024.0 * 1024));
        }

        await ExportAsync(Math.Max(1, rows / 10));
        var small = await ExportAsync(Math.Max(1, rows / 10));
        var full = await ExportAsync(rows);

        var clock = Stopwatch.StartNew();
        long copied = 0;
        await using (var connection = new NpgsqlConnection(context.ConnectionString(database)))
        {
            await connection.OpenAsync();
            using var reader = await connection.BeginTextExportAsync($"""
                COPY (SELECT s.rank, p.public_id, p.display_name, s.profession, s.specialty, s.country, s.score, s.tier,
                             {string.Join(", ", DolMapper.Scoring.Questions.All.Select(k => $"s.{k}, s.{k}_raw"))}, p.npi
                      FROM person_scores s JOIN persons p ON p.id = s.person_id
                      WHERE s.run_id = {runId} ORDER BY s.rank LIMIT {rows})
                TO STDOUT (FORMAT csv)
                """);
            var chars = new char[1 << 16];
            int n;
            while ((n = await reader.ReadAsync(chars)) > 0)
            {
                copied += n;
            }
        }
        var copy = clock.Elapsed.TotalSeconds;

        var target = rows >= Rows ? "≤ 2 s" : $"≤ 2 s (the scale has {rows:N0} rows)";
        results.Add(new Result("export", context.Scale, $"{full.Lines:N0}-row CSV over HTTP", full.Seconds, "s", "PostgreSQL COPY TO STDOUT csv, same rows", copy,
            full.Seconds / copy, target, full.Seconds <= 2 && full.Lines >= rows,
            $"{full.Bytes / (1024.0 * 1024):0.0} MB; COPY read {copied / (1024.0 * 1024):0.0} M chars"));
        var flat = full.GrowthMb <= small.GrowthMb + 32;
        results.Add(new Result("export", context.Scale, "working-set growth during the export", full.GrowthMb, "MB",
            $"the same for {small.Lines:N0} rows", small.GrowthMb, small.GrowthMb > 0 ? full.GrowthMb / small.GrowthMb : null, "flat (within 32 MB of a tenth of the rows)", flat,
            "the web app, its database client and the reading client share this process"));
        return results;
    }
}
