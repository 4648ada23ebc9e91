using System.Diagnostics;
using DolMapper.Scoring;
using DolMapper.Scoring.Engagement;
using Hangfire;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Scoring;

/// <summary>What deriving a run's engagement suggestions did.</summary>
public sealed record EngagementReport(long RunId, int Persons, TimeSpan Elapsed, string Message);

/// <summary>
/// Engagement suggestions for every person a run ranked (docs/engagement.md): one read of the own
/// posts (not reposts) of their accounts in the run's window — through the posts' author index —
/// into per-person counts by platform, hour of the week and format, then
/// <see cref="EngagementAdvisor"/> with their signals from the run. Written whole for the run (a
/// failure leaves none, and the pages say suggestions are not ready). Runs as its own job after a
/// run, like personas, so a run's time does not include it.
/// </summary>
public sealed class EngagementSuggestions(NpgsqlDataSource dataSource, ILogger<EngagementSuggestions> logger)
{
    private sealed class Tally
    {
        public readonly Dictionary<string, (int Posts, long Engagement)> Platforms = new(StringComparer.Ordinal);
        public readonly Dictionary<string, (int Posts, long Engagement)> Formats = new(StringComparer.Ordinal);
        public readonly int[] Hours = new int[168];
        public string? Country;
        public Dictionary<string, double> Signals = [];
    }

    public async Task<EngagementReport> ComputeAsync(long runId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        DateTime from, to, completed;
        await using (var run = new NpgsqlCommand("SELECT details -> 'window' ->> 'from', details -> 'window' ->> 'to', completed_at FROM scoring_runs WHERE id = @run AND status = @complete", connection))
        {
            run.Parameters.AddWithValue("run", runId);
            run.Parameters.AddWithValue("complete", Data.Entities.RunStatuses.Complete);
            await using var reader = await run.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
            {
                return new EngagementReport(runId, 0, clock.Elapsed, $"run {runId} is not complete: no suggestions.");
            }
            from = DateTime.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            to = DateTime.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            completed = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
        }
        // A patient profile's run has its rows and its own questions in patient_scores (docs/patients.md).
        bool patients;
        await using (var kind = new NpgsqlCommand("SELECT p.kind = 'patient' FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id WHERE r.id = @run", connection))
        {
            kind.Parameters.AddWithValue("run", runId);
            patients = (bool)(await kind.ExecuteScalarAsync(cancellationToken))!;
        }
        var table = patients ? "patient_scores" : "person_scores";
        var questions = patients ? DolMapper.Scoring.Patients.PatientQuestions.All : Questions.All;
        var tallies = new Dictionary<long, Tally>();
        await using (var persons = new NpgsqlCommand($"""
            SELECT s.person_id, s.country, {string.Join(", ", questions.Select(k => "s." + k))} FROM {table} s WHERE s.run_id = @run
            """, connection))
        {
            persons.Parameters.AddWithValue("run", runId);
            await using var reader = await persons.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var tally = new Tally { Country = reader.IsDBNull(1) ? null : reader.GetString(1) };
                for (var q = 0; q < questions.Count; q++)
                {
                    tally.Signals[questions[q]] = reader.GetDouble(2 + q);
                }
                tallies[reader.GetInt64(0)] = tally;
            }
        }
        await using (var accounts = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS engagement_accounts;
            CREATE TEMP TABLE engagement_accounts AS
            SELECT a.id, a.person_id, a.external_id FROM accounts a JOIN {table} s ON s.person_id = a.person_id AND s.run_id = @run;
            ANALYZE engagement_accounts;
            """, connection))
        {
            accounts.Parameters.AddWithValue("run", runId);
            await accounts.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var export = await connection.BeginBinaryExportAsync($"""
            COPY (SELECT ea.person_id, p.platform, (extract(isodow FROM p.created_at AT TIME ZONE 'UTC')::int - 1) * 24 + extract(hour FROM p.created_at AT TIME ZONE 'UTC')::int,
                         coalesce(p.reply_to_account_external_id = ea.external_id, false), p.hashtags, p.urls, p.likes::bigint + p.replies + p.reposts + p.quotes
                  FROM engagement_accounts ea JOIN posts p ON p.account_id = ea.id
                  WHERE p.created_at > '{from:yyyy-MM-dd HH:mm:ss.ffffff}+00' AND p.created_at <= '{to:yyyy-MM-dd HH:mm:ss.ffffff}+00'
                    AND p.deleted_at IS NULL AND p.repost_of_post_external_id IS NULL)
            TO STDOUT (FORMAT BINARY)
            """, cancellationToken))
        {
            while (await export.StartRowAsync(cancellationToken) != -1)
            {
                var person = await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken);
                var platform = await export.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken);
                var hour = await export.ReadAsync<int>(NpgsqlDbType.Integer, cancellationToken);
                var selfReply = await export.ReadAsync<bool>(NpgsqlDbType.Boolean, cancellationToken);
                var hashtags = export.IsNull ? Skip<string[]>(export) : await export.ReadAsync<string[]>(NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                var urls = export.IsNull ? Skip<string[]>(export) : await export.ReadAsync<string[]>(NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                var engagement = export.IsNull ? Skip<long>(export) : await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken);
                var tally = tallies[person];
                var p = tally.Platforms.GetValueOrDefault(platform);
                tally.Platforms[platform] = (p.Posts + 1, p.Engagement + engagement);
                var format = PostFormats.Of(selfReply, hashtags, urls);
                var f = tally.Formats.GetValueOrDefault(format);
                tally.Formats[format] = (f.Posts + 1, f.Engagement + engagement);
                tally.Hours[hour]++;
            }
        }
        var advice = new List<(long Person, EngagementAdvice Advice)>(tallies.Count);
        foreach (var (person, tally) in tallies)
        {
            if (EngagementAdvisor.Advise(new EngagementInputs(tally.Platforms, tally.Hours, tally.Formats, tally.Country, tally.Signals), completed) is { } a)
            {
                advice.Add((person, a));
            }
        }
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var clear = new NpgsqlCommand("DELETE FROM person_engagement WHERE run_id = @run; DROP TABLE IF EXISTS engagement_accounts;", connection, transaction))
            {
                clear.Parameters.AddWithValue("run", runId);
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var writer = await connection.BeginBinaryImportAsync("""
                COPY person_engagement (run_id, person_id, channel, channel_reason, best_times, best_hours_utc, times_reason, top_formats, formats_reason, collaborations, collaboration_reasons)
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken))
            {
                foreach (var (person, a) in advice)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(runId, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(person, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(a.Channel, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.ChannelReason, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.BestTimes, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.BestHoursUtc.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(a.TimesReason, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.TopFormats.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.FormatsReason, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.Collaborations.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(a.CollaborationReasons.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                }
                await writer.CompleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        var message = $"engagement suggestions for {advice.Count:N0} of {tallies.Count:N0} ranked persons of run {runId} in {clock.Elapsed.TotalSeconds:0.0} s.";
        logger.LogInformation("Derived {Message}", message);
        return new EngagementReport(runId, advice.Count, clock.Elapsed, message);
    }

    private static T? Skip<T>(NpgsqlBinaryExporter export)
    {
        export.Skip();
        return default;
    }
}

/// <summary>Engagement suggestions as their own Hangfire job, queued after each complete scoring run.</summary>
public sealed class EngagementSuggestionsJob(EngagementSuggestions suggestions, ILogger<EngagementSuggestionsJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long runId, CancellationToken cancellationToken)
    {
        var report = await suggestions.ComputeAsync(runId, cancellationToken);
        logger.LogInformation("After run {Run}: {Message}", runId, report.Message);
    }

    public static string Enqueue(IBackgroundJobClient jobs, long runId) =>
        jobs.Enqueue<EngagementSuggestionsJob>(job => job.RunAsync(runId, CancellationToken.None));
}
