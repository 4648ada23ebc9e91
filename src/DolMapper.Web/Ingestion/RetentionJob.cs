using DolMapper.Web.Infrastructure;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Ingestion;

/// <summary>What one pass of <see cref="RetentionJob"/> deleted.</summary>
public sealed record RetentionResult(long QuarantinedLines, long UploadChunks, long UploadBytes);

/// <summary>
/// Deletes what is kept only for a while (DolMapper:Retention): quarantined lines older than
/// <see cref="RetentionOptions.QuarantineDays"/>, and the stored content of uploads older than
/// <see cref="RetentionOptions.FailedUploadDays"/> (a completed import deletes its content at once,
/// so what is left is a failed, interrupted or never-run upload's). The upload's record stays.
/// </summary>
public sealed class RetentionJob(NpgsqlDataSource dataSource, IOptions<DolMapperOptions> options, ILogger<RetentionJob> logger)
{
    public const string RecurringJobId = "retention";

    /// <summary>Daily, at night.</summary>
    public const string Schedule = "15 4 * * *";

    [AutomaticRetry(Attempts = 1)]
    [JobDisplayName("Delete expired quarantine and upload content")]
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.Retention;
        await using var batch = dataSource.CreateBatch();
        var quarantine = new NpgsqlBatchCommand("DELETE FROM quarantine WHERE created_at < now() - make_interval(days => @days)");
        quarantine.Parameters.AddWithValue("days", retention.QuarantineDays);
        var chunks = new NpgsqlBatchCommand("""
            WITH deleted AS (
                DELETE FROM upload_chunks c USING uploads u
                WHERE u.id = c.upload_id AND u.created_at < now() - make_interval(days => @days)
                RETURNING octet_length(c.data) AS bytes)
            SELECT count(*), coalesce(sum(bytes), 0)::bigint FROM deleted
            """);
        chunks.Parameters.AddWithValue("days", retention.FailedUploadDays);
        batch.BatchCommands.Add(quarantine);
        batch.BatchCommands.Add(chunks);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var result = new RetentionResult(quarantine.RecordsAffected, reader.GetInt64(0), reader.GetInt64(1));
        logger.LogInformation("Retention: deleted {Lines} quarantined lines older than {QuarantineDays} days and {Chunks} pieces ({Bytes} bytes) of uploads older than {UploadDays} days",
            result.QuarantinedLines, retention.QuarantineDays, result.UploadChunks, result.UploadBytes, retention.FailedUploadDays);
        return result;
    }
}
