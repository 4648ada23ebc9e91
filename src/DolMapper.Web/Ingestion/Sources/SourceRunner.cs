using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>
/// What a pass of one cursor sees while it runs: its connection (held for the pass: while it is
/// open the run is known to be worked on), its source, the stored cursor, the day's read budget,
/// and the report it fills.
/// </summary>
public sealed class SourceRun(NpgsqlConnection connection, int sourceId, string cursorKey, string? cursor, int? budget, long usedToday, IngestReport report, QuarantineLimits quarantineLimits)
{
    public NpgsqlConnection Connection { get; } = connection;
    public int SourceId { get; } = sourceId;
    /// <summary>The query or stream the cursor belongs to (<c>timeline:ID</c>, <c>feed:HANDLE</c>, <c>tag@instance</c>, a search).</summary>
    public string CursorKey { get; } = cursorKey;
    /// <summary>The cursor a clean earlier pass saved; null on the first pass.</summary>
    public string? Cursor { get; } = cursor;
    public IngestReport Report { get; } = report;
    public long RunId => Report.RunId;

    /// <summary>The stop message when the source's daily read budget is spent (reads of finished runs today plus this pass's), else null.</summary>
    public string? BudgetSpent() => budget is { } limit && usedToday + Report.Fetched >= limit
        ? $"Stopped at the daily read budget of {limit:N0} posts ({usedToday + Report.Fetched:N0} read today); the cursor is kept. It resets at midnight UTC."
        : null;

    /// <summary>The cursor to save with the last page's write: only when the pass reached the end cleanly (a server that does not page has not shown everything).</summary>
    public SourceCursorUpdate? CursorToSave(bool last, bool looping, string? newest) =>
        last && !looping && newest is not null ? new SourceCursorUpdate(SourceId, CursorKey, newest) : null;

    /// <summary>Keeps what a page rejected, with its reason, under this run.</summary>
    public async Task QuarantineAsync(IReadOnlyCollection<QuarantineItem> rejected, CancellationToken cancellationToken)
    {
        if (rejected.Count > 0)
        {
            Report.Rejected += rejected.Count;
            await Quarantine.WriteAsync(Connection, RunId, SourceId, rejected, quarantineLimits, cancellationToken);
        }
    }
}

/// <summary>
/// The one wrapper every source's pass runs in: the cross-process lock of its source and cursor,
/// the source row (the configured one, or the platform's for a command-line pass), the stored
/// cursor and read budget, the run record started and finished — complete with the report's text,
/// or failed with what went wrong, and the exception passed on.
/// </summary>
public sealed class SourceRunner(NpgsqlDataSource dataSource, CrossProcessLock locks, QuarantineLimits quarantineLimits)
{
    public async Task<IngestReport> RunAsync(string platform, string baseUrl, string cursorKey, int? configuredSourceId, string triggeredBy,
        Func<SourceRun, Task> pass, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Ingestion(platform, cursorKey), cancellationToken: cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sourceId = configuredSourceId ?? await SourceRuns.SourceIdAsync(connection, platform, baseUrl, cancellationToken);
        var cursor = await SourceRuns.CursorAsync(connection, sourceId, cursorKey, cancellationToken);
        var (budget, usedToday) = await SourceRuns.BudgetAsync(connection, sourceId, cancellationToken);
        return await RecordAsync(connection, platform, sourceId, cursorKey, triggeredBy,
            report => pass(new SourceRun(connection, sourceId, cursorKey, cursor, budget, usedToday, report, quarantineLimits)), cancellationToken);
    }

    /// <summary>
    /// The run record alone, for a pass that holds its own lock and connection (the publication
    /// lookup): started, the pass run, finished complete or failed.
    /// </summary>
    public static async Task<IngestReport> RecordAsync(NpgsqlConnection connection, string platform, int sourceId, string query, string triggeredBy,
        Func<IngestReport, Task> pass, CancellationToken cancellationToken)
    {
        var runId = await SourceRuns.StartAsync(connection, sourceId, query, triggeredBy, cancellationToken);
        var report = new IngestReport { RunId = runId, Source = platform, Query = query };
        try
        {
            await pass(report);
            await SourceRuns.FinishAsync(connection, report, RunStatuses.Complete, report.Stopped ?? report.ToText(), CancellationToken.None);
            return report;
        }
        catch (Exception e)
        {
            await SourceRuns.FinishAsync(connection, report, RunStatuses.Failed, $"failed after {report.Pages} page(s): {e.Message}", CancellationToken.None);
            throw;
        }
    }
}
