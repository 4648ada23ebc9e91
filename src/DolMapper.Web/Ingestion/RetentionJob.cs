using DolMapper.Web.Infrastructure;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Ingestion;

/// <summary>What one pass of <see cref="RetentionJob"/> deleted.</summary>
public sealed record RetentionResult(long QuarantinedLines, long UploadChunks, long UploadBytes, long PostTexts = 0);

/// <summary>
/// Deletes what is kept only for a while (DolMapper:Retention): quarantined lines older than
/// <see cref="RetentionOptions.QuarantineDays"/>, and the stored content of uploads older than
/// <see cref="RetentionOptions.FailedUploadDays"/> (a completed import deletes its content at once,
/// so what is left is a failed, interrupted or never-run upload's). The upload's record stays.
/// The text of posts older than <see cref="RetentionOptions.PostTextMonths"/> is removed (the post,
/// its counts, hashtags and links stay). Each pass that removed something is written to the audit log.
/// </summary>
public sealed class RetentionJob(NpgsqlDataSource dataSource, IOptions<DolMapperOptions> options, ILogger<RetentionJob> logger)
{
    public const string RecurringJobId = "retention";

    /// <summary>Daily, at night.</summary>
    public const string Schedule = "15 4 * * *";

    [AutomaticRetry(Attempts = 1)]
    [JobDisplayName("Delete expired quarantine, upload content and post text")]
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
        // 0 months keeps texts for ever; a past cut-off no post is older than otherwise changes nothing.
        var texts = new NpgsqlBatchCommand("UPDATE posts SET text = NULL WHERE @months > 0 AND created_at < now() - make_interval(months => @months) AND text IS NOT NULL");
        texts.Parameters.AddWithValue("months", retention.PostTextMonths);
        batch.BatchCommands.Add(quarantine);
        batch.BatchCommands.Add(chunks);
        batch.BatchCommands.Add(texts);
        RetentionResult result;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var (uploadChunks, uploadBytes) = (reader.GetInt64(0), reader.GetInt64(1));
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
            result = new RetentionResult(quarantine.RecordsAffected, uploadChunks, uploadBytes, texts.RecordsAffected);
        }
        logger.LogInformation("Retention: deleted {Lines} quarantined lines older than {QuarantineDays} days, {Chunks} pieces ({Bytes} bytes) of uploads older than {UploadDays} days, and the text of {Texts} posts older than {Months} months",
            result.QuarantinedLines, retention.QuarantineDays, result.UploadChunks, result.UploadBytes, retention.FailedUploadDays, result.PostTexts, retention.PostTextMonths);
        if (result.QuarantinedLines + result.UploadChunks + result.PostTexts > 0)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await Data.AuditLog.WriteAsync(connection, null, "retention", "retention.purged", null, new
            {
                quarantined_lines = result.QuarantinedLines, upload_chunks = result.UploadChunks, upload_bytes = result.UploadBytes, post_texts = result.PostTexts,
                quarantine_days = retention.QuarantineDays, upload_days = retention.FailedUploadDays, post_text_months = retention.PostTextMonths,
            }, cancellationToken);
        }
        return result;
    }
}
