using DolMapper.Web.Data.Entities;
using Hangfire;
using Npgsql;

namespace DolMapper.Web.Infrastructure.Jobs;

/// <summary>What one pass of <see cref="InterruptedWork"/> found and put right.</summary>
public sealed record RecoveredWork(IReadOnlyList<long> IngestionRuns, IReadOnlyList<long> ScoringRuns, IReadOnlyList<string> DroppedTables, IReadOnlyList<long> EventReadings);

/// <summary>
/// Puts right what a crash (kill -9, power loss, an out-of-memory kill) left behind: ingestion and
/// scoring runs and event readings still marked running with no process working on them (<see cref="RunLiveness"/>)
/// are marked failed, and the detached score tables of runs that never completed are dropped, with
/// their evidence (they hold personal data). Runs at every start of a web or worker process and
/// every few minutes as a job; safe beside live runs, which hold their locks.
/// </summary>
public sealed class InterruptedWork(NpgsqlDataSource dataSource, ILogger<InterruptedWork> logger)
{
    public const string RecurringJobId = "recover-interrupted-work";
    public const string Schedule = "*/5 * * * *";

    public const string Message =
        "interrupted: the process working on it stopped (a crash, a kill or a restart) before it finished. What it committed stays; running it again is safe.";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    [JobDisplayName("Recover interrupted runs")]
    public async Task<RecoveredWork> RecoverAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // An upload waiting for its job is not interrupted: its import has not started.
        var ingestion = await FailDeadRunsAsync(connection, RunLiveness.Ingestion,
            $"SELECT id FROM ingestion_runs WHERE status = '{RunStatuses.Running}' AND message IS DISTINCT FROM 'queued' ORDER BY id",
            $"UPDATE ingestion_runs SET status = '{RunStatuses.Failed}', finished_at = now(), errors = errors + 1, message = @message WHERE id = @id AND status = '{RunStatuses.Running}'",
            cancellationToken);
        var scoring = await FailDeadRunsAsync(connection, RunLiveness.Scoring,
            $"SELECT id FROM scoring_runs WHERE status = '{RunStatuses.Running}' ORDER BY id",
            $"UPDATE scoring_runs SET status = '{RunStatuses.Failed}', completed_at = now(), error = @message WHERE id = @id AND status = '{RunStatuses.Running}'",
            cancellationToken);
        // An event's reading (docs/events.md): marked failed, and the rows it had written go (they name people).
        var events = await FailDeadRunsAsync(connection, RunLiveness.Event,
            $"SELECT id FROM event_analyses WHERE status = '{RunStatuses.Running}' ORDER BY id",
            $"""
            UPDATE event_analyses SET status = '{RunStatuses.Failed}', completed_at = now(), error = @message WHERE id = @id AND status = '{RunStatuses.Running}';
            DELETE FROM event_persons WHERE analysis_id = @id;
            DELETE FROM event_buckets WHERE analysis_id = @id;
            """,
            cancellationToken);

        // A run's own table is attached (a partition) only by the transaction that completes it:
        // a detached one whose run is not running is left over from a crash.
        var dropped = new List<string>();
        await using (var find = new NpgsqlCommand($"""
            SELECT c.relname, substring(c.relname FROM 'person_scores_run_([0-9]+)$')::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ '^person_scores_run_[0-9]+$'
              AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
              AND NOT EXISTS (SELECT 1 FROM scoring_runs r WHERE r.id = substring(c.relname FROM 'person_scores_run_([0-9]+)$')::bigint AND r.status = '{RunStatuses.Running}')
            """, connection))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                dropped.Add(reader.GetString(0));
            }
        }
        foreach (var table in dropped)
        {
            var runId = long.Parse(table["person_scores_run_".Length..], System.Globalization.CultureInfo.InvariantCulture);
            await using var drop = new NpgsqlCommand($"""
                DELETE FROM person_score_evidence WHERE run_id = {runId}
                    AND NOT EXISTS (SELECT 1 FROM scoring_runs WHERE id = {runId} AND status IN ('{RunStatuses.Running}', '{RunStatuses.Complete}'));
                SELECT dolmapper_run_scores_drop({runId});
                """, connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        if (ingestion.Count + scoring.Count + dropped.Count + events.Count > 0)
        {
            logger.LogWarning("Recovered interrupted work: ingestion runs {Ingestion}, scoring runs {Scoring} and event readings {Events} marked failed; left-over tables dropped: {Tables}",
                ingestion, scoring, events, dropped);
        }
        return new RecoveredWork(ingestion, scoring, dropped, events);
    }

    /// <summary>Marks failed, with <see cref="Message"/>, each run <paramref name="running"/> selects whose liveness lock is free.</summary>
    private static async Task<List<long>> FailDeadRunsAsync(NpgsqlConnection connection, string kind, string running, string fail, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using (var command = new NpgsqlCommand(running, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        var failed = new List<long>();
        foreach (var id in ids)
        {
            if (await RunLiveness.TryRecoverAsync(connection, kind, id, async () =>
                {
                    await using var command = new NpgsqlCommand(fail, connection);
                    command.Parameters.AddWithValue("id", id);
                    command.Parameters.AddWithValue("message", Message);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }, cancellationToken))
            {
                failed.Add(id);
            }
        }
        return failed;
    }
}
