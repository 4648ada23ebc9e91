using DolMapper.Web.Infrastructure.Jobs;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>The bookkeeping every source's pass shares: its source row, its cursor, its run record.</summary>
public static class SourceRuns
{
    /// <summary>
    /// The source a command-line pass belongs to: the one an admin configured for this platform (the
    /// one named after it, else the first), so the command line and the scheduled job share a
    /// cursor; created, disabled, when there is none.
    /// </summary>
    public static async Task<int> SourceIdAsync(NpgsqlConnection connection, string kind, string baseUrl, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO sources (name, kind, base_url, settings, enabled, created_at, updated_at)
            SELECT @kind, @kind, @url, '{}', false, now(), now()
            WHERE NOT EXISTS (SELECT 1 FROM sources WHERE kind = @kind)
            ON CONFLICT (name) DO NOTHING;
            SELECT id FROM sources WHERE kind = @kind ORDER BY (name = @kind) DESC, id LIMIT 1;
            """, connection);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("url", baseUrl);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A source's daily read budget (null: none) and what it has read today (UTC) in finished runs.</summary>
    public static async Task<(int? Budget, long UsedToday)> BudgetAsync(NpgsqlConnection connection, int sourceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT s.daily_read_budget,
                   (SELECT coalesce(sum(r.reads_used), 0) FROM ingestion_runs r
                    WHERE r.source_id = s.id AND r.started_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
            FROM sources s WHERE s.id = @id
            """, connection);
        command.Parameters.AddWithValue("id", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.GetInt64(1));
    }

    /// <summary>The ids of a platform's posts created in the last <paramref name="days"/> days, newest first (optionally only ids starting with <paramref name="prefix"/>).</summary>
    public static async Task<List<string>> RecentPostIdsAsync(NpgsqlDataSource dataSource, string platform, int days, int max, CancellationToken cancellationToken, string prefix = "")
    {
        await using var command = dataSource.CreateCommand("""
            SELECT external_id FROM posts
            WHERE platform = @platform AND created_at >= now() - make_interval(days => @days) AND starts_with(external_id, @prefix)
            ORDER BY created_at DESC LIMIT @max
            """);
        command.Parameters.AddWithValue("platform", platform);
        command.Parameters.AddWithValue("days", days);
        command.Parameters.AddWithValue("prefix", prefix);
        command.Parameters.AddWithValue("max", max);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    public static async Task<string?> CursorAsync(NpgsqlConnection connection, int sourceId, string query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT value FROM source_cursors WHERE source_id = @source AND query = @query", connection);
        command.Parameters.AddWithValue("source", sourceId);
        command.Parameters.AddWithValue("query", query);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public static async Task<long> StartAsync(NpgsqlConnection connection, int sourceId, string query, string triggeredBy, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($$"""
            INSERT INTO ingestion_runs (source_id, kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, details)
            VALUES (@source, 'ingest', @query, @user, now(), '{{RunStatuses.Running}}', 0, 0, 0, 0, 0, 0, 0, 0, '{}') RETURNING id
            """, connection);
        command.Parameters.AddWithValue("source", sourceId);
        command.Parameters.AddWithValue("query", query);
        command.Parameters.AddWithValue("user", triggeredBy);
        var runId = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        // The pass keeps this connection for its whole length: while it is open the run is known to be worked on.
        await RunLiveness.HoldAsync(connection, RunLiveness.Ingestion, runId, cancellationToken);
        return runId;
    }

    public static async Task FinishAsync(NpgsqlConnection connection, IngestReport report, string status, string message, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE ingestion_runs SET status = @status, finished_at = now(), fetched = @fetched, new = @new, updated = @updated,
                duplicates = @duplicates, rejected = @rejected, errors = @errors, reads_used = @reads, message = @message
            WHERE id = @id
            """, connection);
        command.Parameters.AddWithValue("id", report.RunId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("fetched", report.Fetched);
        command.Parameters.AddWithValue("new", report.Counts.New);
        command.Parameters.AddWithValue("updated", report.Counts.Updated);
        command.Parameters.AddWithValue("duplicates", report.Duplicates);
        command.Parameters.AddWithValue("rejected", report.Rejected);
        command.Parameters.AddWithValue("errors", status == RunStatuses.Failed ? 1L : 0L);
        command.Parameters.AddWithValue("reads", report.Fetched);
        command.Parameters.AddWithValue("message", message);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await RunLiveness.ReleaseAsync(connection, RunLiveness.Ingestion, report.RunId);
    }
}
