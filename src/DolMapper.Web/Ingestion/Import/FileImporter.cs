using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>
/// Imports JSON Lines inputs (docs/formats.md, "Import format") through <see cref="IngestionWriter"/>: one
/// task reads and parses while another writes the previous batch, so parsing and the database
/// work side by side and memory stays bounded by two batches; a batch is written by several
/// sessions at once, split by author (<see cref="ImportLanes"/>). Every input gets one ingestion run;
/// rejected lines go to quarantine with their line numbers; batches are committed as they go, and
/// since an import is idempotent a failed one can simply be run again.
/// </summary>
public sealed class FileImporter(NpgsqlDataSource dataSource, IngestionWriter writer, ILogger<FileImporter> logger, QuarantineLimits? quarantineLimits = null,
    Infrastructure.ImportSettings? settings = null)
{
    private readonly QuarantineLimits _quarantineLimits = quarantineLimits ?? QuarantineLimits.Default;

    public const string RelationshipsRefused =
        "relationship lines are company data: they are applied only when an Admin imports (this upload is not an Admin's)";

    public Task<ImportReport> ImportFilesAsync(IReadOnlyList<string> paths, ImportOptions options, CancellationToken cancellationToken = default) =>
        ImportAsync([.. paths.Select(ImportSource.FromFile)], options, cancellationToken);

    public async Task<ImportReport> ImportAsync(IReadOnlyList<ImportSource> sources, ImportOptions options, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var startedAt = DateTime.UtcNow;
        await using var bookkeeping = await dataSource.OpenConnectionAsync(cancellationToken);
        var runId = options.RunId ?? await CreateRunAsync(bookkeeping, sources, options, startedAt, cancellationToken);
        // While this connection is open the run is known to be worked on; after a crash, recovery marks it failed.
        await RunLiveness.HoldAsync(bookkeeping, RunLiveness.Ingestion, runId, cancellationToken);
        try
        {
            return await ImportRunAsync(bookkeeping, runId, sources, options, startedAt, stopwatch, cancellationToken);
        }
        finally
        {
            await RunLiveness.ReleaseAsync(bookkeeping, RunLiveness.Ingestion, runId);
        }
    }

    private async Task<ImportReport> ImportRunAsync(NpgsqlConnection bookkeeping, long runId, IReadOnlyList<ImportSource> sources, ImportOptions options,
        DateTime startedAt, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        await using (var started = new NpgsqlCommand($"UPDATE ingestion_runs SET status = '{RunStatuses.Running}', message = 'importing' WHERE id = @id", bookkeeping))
        {
            started.Parameters.AddWithValue("id", runId);
            await started.ExecuteNonQueryAsync(cancellationToken);
        }
        var report = new ImportReport { RunId = runId, Sources = [.. sources.Select(s => s.Name)], TriggeredBy = options.TriggeredBy };
        logger.LogInformation("Import {RunId} of {Sources} started by {User}", runId, report.Sources, options.TriggeredBy);

        try
        {
            await using var lanes = new ImportLanes(writer, ImportLanes.Resolve(options.WriterSessions > 0 ? options.WriterSessions : settings?.WriterSessions ?? 0, dataSource), logger);
            var writeOptions = new IngestionWriteOptions(startedAt);
            var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = Task.Run(() => ReadAsync(sources, options, _quarantineLimits, channel.Writer, stop.Token), stop.Token);

            try
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken))
                {
                    report.Counts.Add(await lanes.WriteAsync(batch.Records, writeOptions, cancellationToken));
                    report.WriterSessions = lanes.MostAtOnce;
                    report.Lines = batch.Progress.Lines;
                    report.Rejected = batch.Progress.Rejected;
                    report.EmptySources.AddRange(batch.EmptySources);
                    foreach (var rejected in batch.Rejected)
                    {
                        if (report.FirstRejections.Count < ImportReport.MaxListedRejections)
                        {
                            report.FirstRejections.Add(new ImportRejection(rejected.Source, rejected.LineNumber, rejected.Reason));
                        }
                    }
                    report.Quarantined += await QuarantineAsync(bookkeeping, runId, batch.Rejected, cancellationToken);
                    report.Elapsed = stopwatch.Elapsed;
                    await UpdateRunAsync(bookkeeping, runId, report, batch.Progress, RunStatuses.Running, cancellationToken);
                    options.Progress?.Report(batch.Progress);
                }
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
            finally
            {
                try
                {
                    await reading;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // The writer failed first; its exception is the one to report.
                }
            }

            report.Elapsed = stopwatch.Elapsed;
            await FinishRunAsync(bookkeeping, runId, report, RunStatuses.Complete, report.Summary, CancellationToken.None);
            logger.LogInformation("Import {RunId} finished: {Summary}", runId, report.Summary);
            return report;
        }
        catch (Exception e)
        {
            report.Elapsed = stopwatch.Elapsed;
            var message = Describe(e, report.Lines);
            logger.LogError(e, "Import {RunId} failed after {Lines} lines; what was committed stays, and importing again is safe", runId, report.Lines);
            await FinishRunAsync(bookkeeping, runId, report, RunStatuses.Failed, message, CancellationToken.None);
            if (e is OperationCanceledException)
            {
                throw;
            }
            throw new ImportFailedException(runId, message, e);
        }
    }

    /// <summary>What a failed run says: what went wrong, what was committed, and that importing again is safe.</summary>
    private static string Describe(Exception e, long committedLines) => e switch
    {
        OperationCanceledException => $"cancelled after {committedLines:N0} lines (those lines were committed; importing the file again is safe)",
        // The input's own message says how far it was read and imported.
        ImportInputException => $"failed: {e.Message}",
        IngestionWriteException => $"failed: {e.Message}. The first {committedLines:N0} lines were committed; importing the file again is safe (nothing is stored twice)",
        NpgsqlException => $"failed: the database could not be used ({e.Message}). The first {committedLines:N0} lines were committed; importing the file again is safe (nothing is stored twice)",
        _ => $"failed after {committedLines:N0} lines: {e.Message} (those lines were committed; importing the file again is safe)",
    };

    private sealed record SourcedRejection(string Source, long? LineNumber, string Reason, string? Raw);

    private sealed record Batch(List<ImportRecord> Records, List<SourcedRejection> Rejected, List<string> EmptySources, ImportProgress Progress);

    /// <summary>The reading side: parse lines into batches; a bad line becomes a rejection, never an exception.</summary>
    private static async Task ReadAsync(IReadOnlyList<ImportSource> sources, ImportOptions options, QuarantineLimits limits, ChannelWriter<Batch> output, CancellationToken cancellationToken)
    {
        long lines = 0, rejected = 0, bytesBefore = 0;
        long? bytesTotal = sources.All(s => s.Length is not null) ? sources.Sum(s => s.Length!.Value) : null;
        var records = new List<ImportRecord>(options.BatchSize);
        var rejections = new List<SourcedRejection>();
        var empty = new List<string>();
        ImportProgress progress = new("", 0, sources.Count, 0, null, 0, 0);
        try
        {
            for (var index = 0; index < sources.Count; index++)
            {
                var source = sources[index];
                await using var raw = new CountingStream(await source.OpenAsync(cancellationToken));
                await using var stream = await JsonLinesReader.DecompressIfGzipAsync(raw, cancellationToken);
                var linesBefore = lines;
                await using var reading = JsonLinesReader.ReadAsync(stream, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    try
                    {
                        if (!await reading.MoveNextAsync())
                        {
                            break;
                        }
                    }
                    catch (TruncatedInputException e)
                    {
                        // What was read whole is written, so the run's record matches the database; then the run fails.
                        progress = new ImportProgress(source.Name, index, sources.Count, bytesBefore + raw.BytesRead, bytesTotal, lines, rejected);
                        await output.WriteAsync(new Batch(records, rejections, empty, progress), cancellationToken);
                        throw new ImportInputException($"'{source.Name}': {e.Message}. Lines up to {e.LastLine:N0} were imported; import a complete copy of the file (importing again is safe)", e);
                    }
                    var line = reading.Current;
                    lines++;
                    if (line.Rejected is { } bad)
                    {
                        rejected++;
                        rejections.Add(new SourcedRejection(source.Name, bad.LineNumber, bad.Reason, Kept(bad.Raw, rejected, limits)));
                    }
                    else if (line.Record is RelationshipRecord relationship && !options.AllowRelationships)
                    {
                        rejected++;
                        rejections.Add(new SourcedRejection(source.Name, relationship.LineNumber, RelationshipsRefused, Kept(relationship.ToJson(), rejected, limits)));
                    }
                    else
                    {
                        records.Add(line.Record!);
                    }

                    if (records.Count >= options.BatchSize || rejections.Count >= options.BatchSize)
                    {
                        progress = new ImportProgress(source.Name, index, sources.Count, bytesBefore + raw.BytesRead, bytesTotal, lines, rejected);
                        await output.WriteAsync(new Batch(records, rejections, empty, progress), cancellationToken);
                        records = new List<ImportRecord>(options.BatchSize);
                        rejections = [];
                        empty = [];
                    }
                    else if ((lines & 0xFFF) == 0)
                    {
                        options.Progress?.Report(new ImportProgress(source.Name, index, sources.Count, bytesBefore + raw.BytesRead, bytesTotal, lines, rejected));
                    }
                }
                if (lines == linesBefore)
                {
                    empty.Add(source.Name);
                }
                progress = new ImportProgress(source.Name, index, sources.Count, bytesBefore + raw.BytesRead, bytesTotal, lines, rejected);
                bytesBefore += raw.BytesRead;
            }
            await output.WriteAsync(new Batch(records, rejections, empty, progress), cancellationToken);
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    /// <summary>A rejected line's text only while quarantine still keeps lines, cut to what it keeps: a file of huge bad lines stays small in memory.</summary>
    private static string? Kept(string? raw, long rejectedSoFar, QuarantineLimits limits) =>
        raw is null || rejectedSoFar > limits.LinesPerRun ? null : Quarantine.Cut(raw, limits.LineChars);

    private static async Task<long> CreateRunAsync(NpgsqlConnection connection, IReadOnlyList<ImportSource> sources, ImportOptions options, DateTime startedAt, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($$"""
            INSERT INTO ingestion_runs (kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, bytes_total, details)
            VALUES ('import', @query, @user, @started, '{{RunStatuses.Running}}', 0, 0, 0, 0, 0, 0, 0, 0, @total, '{}')
            RETURNING id
            """, connection);
        command.Parameters.AddWithValue("query", string.Join(", ", sources.Select(s => s.Name)));
        command.Parameters.AddWithValue("user", options.TriggeredBy);
        command.Parameters.AddWithValue("started", startedAt);
        command.Parameters.Add(new NpgsqlParameter<long?>("total", sources.All(s => s.Length is not null) ? sources.Sum(s => s.Length!.Value) : null) { NpgsqlDbType = NpgsqlDbType.Bigint });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private Task<int> QuarantineAsync(NpgsqlConnection connection, long runId, List<SourcedRejection> rejected, CancellationToken cancellationToken) =>
        Quarantine.WriteAsync(connection, runId, sourceId: null, [.. rejected.Select(r => new QuarantineItem(r.Source, r.LineNumber, r.Reason, r.Raw))], _quarantineLimits, cancellationToken);

    private static async Task UpdateRunAsync(NpgsqlConnection connection, long runId, ImportReport report, ImportProgress progress, string status, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE ingestion_runs SET status = @status, fetched = @lines, new = @new, updated = @updated,
                duplicates = @duplicates, rejected = @rejected, bytes_read = @bytes
            WHERE id = @id
            """, connection);
        AddRunCounts(command, runId, report, status);
        command.Parameters.AddWithValue("bytes", progress.BytesRead);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The parameters every update of a run's row carries.</summary>
    private static void AddRunCounts(NpgsqlCommand command, long runId, ImportReport report, string status)
    {
        command.Parameters.AddWithValue("id", runId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("lines", report.Lines);
        command.Parameters.AddWithValue("new", report.Counts.New);
        command.Parameters.AddWithValue("updated", report.Counts.Updated);
        command.Parameters.AddWithValue("duplicates", report.Counts.AccountsUnchanged + report.Counts.PostsUnchanged + report.Counts.RelationshipsUnchanged + report.Counts.Superseded);
        command.Parameters.AddWithValue("rejected", report.Rejected);
    }

    private async Task FinishRunAsync(NpgsqlConnection connection, long runId, ImportReport report, string status, string message, CancellationToken cancellationToken)
    {
        // The empty inputs go to quarantine too, so the run's record says everything the report said.
        if (status == RunStatuses.Complete && report.EmptySources.Count > 0)
        {
            await QuarantineAsync(connection, runId, [.. report.EmptySources.Select(s => new SourcedRejection(s, null, "the file is empty: nothing to import", null))], cancellationToken);
        }
        var details = JsonSerializer.Serialize(new
        {
            lines = report.Lines,
            imported = report.Imported,
            rejected = report.Rejected,
            quarantined = report.Quarantined,
            empty_files = report.EmptySources,
            counts = report.Counts,
            first_rejections = report.FirstRejections.Take(20),
            seconds = Math.Round(report.Elapsed.TotalSeconds, 3),
            writer_sessions = report.WriterSessions,
        }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        await using var command = new NpgsqlCommand($"""
            UPDATE ingestion_runs SET status = @status, finished_at = now(), fetched = @lines, new = @new, updated = @updated,
                duplicates = @duplicates, rejected = @rejected, errors = @errors, message = @message, details = @details::jsonb,
                bytes_read = CASE WHEN @status = '{RunStatuses.Complete}' THEN coalesce(bytes_total, bytes_read) ELSE bytes_read END
            WHERE id = @id
            """, connection);
        AddRunCounts(command, runId, report, status);
        command.Parameters.AddWithValue("errors", status == RunStatuses.Failed ? 1L : 0L);
        command.Parameters.AddWithValue("message", message);
        command.Parameters.AddWithValue("details", details);
        await command.ExecuteNonQueryAsync(cancellationToken);

        // Who brought what in is part of the record (docs/admin.md, "Opt-outs and erasure").
        await Data.AuditLog.WriteAsync(connection, null, report.TriggeredBy, "import.file", string.Join(", ", report.Sources),
            new { run = runId, status, lines = report.Lines, rejected = report.Rejected, @new = report.Counts.New, updated = report.Counts.Updated }, cancellationToken);
    }
}

/// <summary>An input that cannot be read to its end; the message names the file and says how far it got.</summary>
public sealed class ImportInputException(string message, Exception inner) : IOException(message, inner);

/// <summary>An import that failed; its run records the same message, and what was committed before the failure stays.</summary>
public sealed class ImportFailedException(long runId, string message, Exception inner) : Exception(message, inner)
{
    public long RunId { get; } = runId;
}
