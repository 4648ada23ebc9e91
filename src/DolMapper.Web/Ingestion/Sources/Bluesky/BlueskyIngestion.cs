using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Import;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources.Bluesky;

/// <summary>
/// One incremental pass of Bluesky post search for a query: signed in with an app password, every
/// page followed until the service stops giving a cursor, the authors' profiles fetched
/// (<c>getProfiles</c>, 25 at a time) and written with their posts. The cursor is the newest
/// <c>indexedAt</c> seen, passed as <c>since</c> next time (inclusive, so the newest post is seen
/// again and counted as a duplicate), saved in the transaction of the last page.
/// </summary>
public sealed class BlueskyIngestion(BlueskyClient client, IngestionWriter writer, NpgsqlDataSource dataSource, CrossProcessLock locks, QuarantineLimits quarantineLimits, ILogger<BlueskyIngestion> logger)
{
    public async Task<IngestReport> RunAsync(string baseUrl, string credentials, string query, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null)
    {
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Ingestion(Platforms.Bluesky, query), cancellationToken: cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sourceId = configuredSourceId ?? await SourceRuns.SourceIdAsync(connection, Platforms.Bluesky, baseUrl, cancellationToken);
        var since = await SourceRuns.CursorAsync(connection, sourceId, query, cancellationToken);
        var runId = await SourceRuns.StartAsync(connection, sourceId, query, triggeredBy, cancellationToken);
        var report = new IngestReport { RunId = runId, Source = Platforms.Bluesky, Query = query };
        logger.LogInformation("Bluesky pass for '{Query}' since {Since} (run {RunId})", query, since ?? "(the beginning)", runId);

        try
        {
            await WithRateLimitAsync(() => client.SignInAsync(baseUrl, credentials, cancellationToken), onRateLimit, cancellationToken);
            await using var session = await writer.OpenSessionAsync(cancellationToken);
            string? cursor = null;
            var newest = since;
            var guard = new PageGuard("Bluesky");
            while (true)
            {
                var response = await WithRateLimitAsync(() => client.SearchPostsAsync(query, since, cursor, cancellationToken), onRateLimit, cancellationToken);
                if (response is null)
                {
                    report.Stopped = "Stopped at Bluesky's rate limit; the cursor is kept. Run again later.";
                    break;
                }
                var observedAt = DateTime.UtcNow;
                var page = BlueskyMapper.MapSearch(response.Body, observedAt);
                report.Pages++;
                report.Fetched += page.Count;
                var (records, rejected) = await WithProfilesAsync(page, response, observedAt, onRateLimit, cancellationToken);
                if (page.NewestIndexedAt is not null && (newest is null || string.CompareOrdinal(page.NewestIndexedAt, newest) > 0))
                {
                    newest = page.NewestIndexedAt;
                }
                var looping = !guard.MayFollow(page.Cursor, records.OfType<PostRecord>().Select(p => p.Id));
                var last = page.Cursor is null || page.Count == 0 || looping;
                // A server that does not page has not shown everything: the old cursor stays.
                var save = last && !looping && newest is not null ? new SourceCursorUpdate(sourceId, query, newest) : null;
                report.Counts.Add(await session.WriteAsync(records, new IngestionWriteOptions(observedAt, sourceId, save), cancellationToken));
                report.Rejected += rejected.Count;
                await Quarantine.WriteAsync(connection, runId, sourceId, rejected, quarantineLimits, cancellationToken);
                if (last)
                {
                    report.Stopped ??= guard.Stopped;
                    break;
                }
                cursor = page.Cursor;
            }
            await SourceRuns.FinishAsync(connection, report, RunStatuses.Complete, report.Stopped ?? report.ToText(), CancellationToken.None);
            return report;
        }
        catch (Exception e)
        {
            await SourceRuns.FinishAsync(connection, report, RunStatuses.Failed, $"failed after {report.Pages} page(s): {e.Message}", CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Reads tracked accounts' author feeds (posts and reposts, newest first) back to what the last
    /// pass saw; each account has its own cursor (<c>feed:HANDLE</c>, the newest time seen).
    /// </summary>
    public async Task<IReadOnlyList<IngestReport>> BackfillAsync(string baseUrl, string credentials, IReadOnlyList<string> handles, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null)
    {
        var reports = new List<IngestReport>();
        await WithRateLimitAsync(() => client.SignInAsync(baseUrl, credentials, cancellationToken), onRateLimit, cancellationToken);
        foreach (var handle in handles.Select(h => h.Trim().TrimStart('@')).Where(h => h.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = $"feed:{handle}";
            await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Ingestion(Platforms.Bluesky, key), cancellationToken: cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var sourceId = configuredSourceId ?? await SourceRuns.SourceIdAsync(connection, Platforms.Bluesky, baseUrl, cancellationToken);
            var seen = await SourceRuns.CursorAsync(connection, sourceId, key, cancellationToken);
            var runId = await SourceRuns.StartAsync(connection, sourceId, key, triggeredBy, cancellationToken);
            var report = new IngestReport { RunId = runId, Source = Platforms.Bluesky, Query = key };
            reports.Add(report);
            try
            {
                await using var session = await writer.OpenSessionAsync(cancellationToken);
                string? cursor = null;
                var newest = seen;
                var guard = new PageGuard("Bluesky");
                while (true)
                {
                    var response = await WithRateLimitAsync(() => client.GetAuthorFeedAsync(handle, cursor, cancellationToken), onRateLimit, cancellationToken);
                    if (response is null)
                    {
                        report.Stopped = "Stopped at Bluesky's rate limit; the cursor is kept. Run again later.";
                        break;
                    }
                    var observedAt = DateTime.UtcNow;
                    var page = BlueskyMapper.MapAuthorFeed(response.Body, seen, observedAt);
                    report.Pages++;
                    report.Fetched += page.Count;
                    var (records, rejected) = await WithProfilesAsync(page, response, observedAt, onRateLimit, cancellationToken);
                    if (page.NewestIndexedAt is not null && (newest is null || string.CompareOrdinal(page.NewestIndexedAt, newest) > 0))
                    {
                        newest = page.NewestIndexedAt;
                    }
                    var looping = !guard.MayFollow(page.Cursor, records.OfType<PostRecord>().Select(p => p.Id));
                    var last = page.Cursor is null || looping;
                    var save = last && !looping && newest is not null ? new SourceCursorUpdate(sourceId, key, newest) : null;
                    report.Counts.Add(await session.WriteAsync(records, new IngestionWriteOptions(observedAt, sourceId, save), cancellationToken));
                    report.Rejected += rejected.Count;
                    await Quarantine.WriteAsync(connection, runId, sourceId, rejected, quarantineLimits, cancellationToken);
                    if (last)
                    {
                        report.Stopped ??= guard.Stopped;
                        break;
                    }
                    cursor = page.Cursor;
                }
                await SourceRuns.FinishAsync(connection, report, RunStatuses.Complete, report.Stopped ?? report.ToText(), CancellationToken.None);
                if (report.Stopped is not null)
                {
                    return reports;
                }
            }
            catch (Exception e)
            {
                await SourceRuns.FinishAsync(connection, report, RunStatuses.Failed, $"failed after {report.Pages} page(s): {e.Message}", CancellationToken.None);
                throw;
            }
        }
        return reports;
    }

    /// <summary>A page's records with its authors' profiles (bio, counts; 25 per getProfiles call), and what was rejected.</summary>
    private async Task<(List<ImportRecord> Records, List<QuarantineItem> Rejected)> WithProfilesAsync(BlueskyPage page, BlueskyResponse response, DateTime observedAt,
        Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, CancellationToken cancellationToken)
    {
        var records = new List<ImportRecord>(page.Records);
        var rejected = page.Rejected.Select(r => new QuarantineItem(response.Request, null, r.Reason, r.Raw)).ToList();
        foreach (var chunk in page.Authors.Chunk(25))
        {
            if (await WithRateLimitAsync(() => client.GetProfilesAsync(chunk, cancellationToken), onRateLimit, cancellationToken) is { } profiles)
            {
                var (accounts, bad) = BlueskyMapper.MapProfiles(profiles.Body, observedAt);
                records.AddRange(accounts);
                rejected.AddRange(bad.Select(r => new QuarantineItem(profiles.Request, null, r.Reason, r.Raw)));
            }
        }
        return (records, rejected);
    }

    /// <summary>Runs a call, asking what to do at a rate limit; null when the pass should stop.</summary>
    private static async Task<T?> WithRateLimitAsync<T>(Func<Task<T>> call, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RateLimitedException limited)
            {
                if (!await onRateLimit(limited, cancellationToken))
                {
                    return null;
                }
            }
        }
    }

    private static async Task WithRateLimitAsync(Func<Task> call, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, CancellationToken cancellationToken)
    {
        if (await WithRateLimitAsync(async () => { await call(); return new object(); }, onRateLimit, cancellationToken) is null)
        {
            throw new InvalidOperationException("Bluesky refused the sign-in at its rate limit; run again later.");
        }
    }
}
