using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>The bookkeeping every source's pass shares: its source row, its cursor, its run record.</summary>
public static class SourceRuns
{
    public static async Task<int> SourceIdAsync(NpgsqlConnection connection, string kind, string baseUrl, CancellationToken cancellationToken)
    {
        // The source an admin configures (the Sources page, to come); a pass creates it, disabled, if it is missing.
        await using var command = new NpgsqlCommand("""
            INSERT INTO sources (name, kind, base_url, settings, enabled, created_at, updated_at)
            VALUES (@kind, @kind, @url, '{}', false, now(), now()) ON CONFLICT (name) DO NOTHING;
            SELECT id FROM sources WHERE name = @kind;
            """, connection);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("url", baseUrl);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
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
        await using var command = new NpgsqlCommand("""
            INSERT INTO ingestion_runs (source_id, kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, details)
            VALUES (@source, 'ingest', @query, @user, now(), 'running', 0, 0, 0, 0, 0, 0, 0, 0, '{}') RETURNING id
            """, connection);
        command.Parameters.AddWithValue("source", sourceId);
        command.Parameters.AddWithValue("query", query);
        command.Parameters.AddWithValue("user", triggeredBy);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
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
    }
}
