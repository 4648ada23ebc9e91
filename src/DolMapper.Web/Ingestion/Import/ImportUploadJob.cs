using Hangfire;
using Npgsql;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>
/// The Hangfire job that imports an uploaded file. Not retried automatically: a failed import has
/// already said why on its run, and importing again (a new upload) is safe.
/// </summary>
public sealed class ImportUploadJob(NpgsqlDataSource dataSource, UploadStore uploads, FileImporter importer, ILogger<ImportUploadJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Import upload {0}")]
    public async Task RunAsync(long uploadId, CancellationToken cancellationToken)
    {
        string fileName;
        bool allowRelationships;
        string user;
        long runId;
        long size;
        await using (var command = dataSource.CreateCommand("SELECT file_name, allow_relationships, coalesce(uploaded_by, ''), run_id, size_bytes FROM uploads WHERE id = @id"))
        {
            command.Parameters.AddWithValue("id", uploadId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                logger.LogWarning("Upload {UploadId} no longer exists; nothing to import", uploadId);
                return;
            }
            (fileName, allowRelationships, user, runId, size) = (reader.GetString(0), reader.GetBoolean(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        var source = new ImportSource(fileName, _ => Task.FromResult(uploads.OpenRead(uploadId)), size);
        var report = await importer.ImportAsync([source], new ImportOptions(allowRelationships, user, RunId: runId), cancellationToken);
        await uploads.DeleteContentAsync(uploadId, cancellationToken);
        logger.LogInformation("Upload {UploadId} ({File}) imported: {Summary}", uploadId, fileName, report.Summary);
    }
}
