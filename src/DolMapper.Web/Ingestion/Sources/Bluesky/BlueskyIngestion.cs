using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Import;

namespace DolMapper.Web.Ingestion.Sources.Bluesky;

/// <summary>
/// One incremental pass of Bluesky post search for a query: signed in with an app password, every
/// page followed until the service stops giving a cursor, the authors' profiles fetched
/// (<c>getProfiles</c>, 25 at a time) and written with their posts. The cursor is the newest
/// <c>indexedAt</c> seen, passed as <c>since</c> next time (inclusive, so the newest post is seen
/// again and counted as a duplicate), saved in the transaction of the last page.
/// </summary>
public sealed class BlueskyIngestion(BlueskyClient client, IngestionWriter writer, SourceRunner runner, ILogger<BlueskyIngestion> logger) : ISourcePass
{
    public bool NeedsCredential => true;

    public Task<IngestReport> RunAsync(string baseUrl, string credentials, string query, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null) =>
        runner.RunAsync(Platforms.Bluesky, baseUrl, query, configuredSourceId, triggeredBy, async run =>
        {
            var since = run.Cursor;
            logger.LogInformation("Bluesky pass for '{Query}' since {Since} (run {RunId})", query, since ?? "(the beginning)", run.RunId);
            await WithRateLimitAsync(() => client.SignInAsync(baseUrl, credentials, cancellationToken), onRateLimit, cancellationToken);
            await ReadPagesAsync(run, cursor => client.SearchPostsAsync(query, since, cursor, cancellationToken),
                BlueskyMapper.MapSearch, endsOnEmptyPage: true, onRateLimit, cancellationToken);
        }, cancellationToken);

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
            var report = await runner.RunAsync(Platforms.Bluesky, baseUrl, $"feed:{handle}", configuredSourceId, triggeredBy,
                run => ReadPagesAsync(run, cursor => client.GetAuthorFeedAsync(handle, cursor, cancellationToken),
                    (body, observedAt) => BlueskyMapper.MapAuthorFeed(body, run.Cursor, observedAt), endsOnEmptyPage: false, onRateLimit, cancellationToken),
                cancellationToken);
            reports.Add(report);
            if (report.Stopped is not null)
            {
                return reports;
            }
        }
        return reports;
    }

    Task<IngestReport> ISourcePass.RunAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        RunAsync(settings.BaseUrl, settings.RequiredCredential, query, settings.OnRateLimit, settings.TriggeredBy, cancellationToken, settings.SourceId);

    Task<IReadOnlyList<IngestReport>> ISourcePass.TrackAsync(SourcePassSettings settings, IReadOnlyList<string> accounts, CancellationToken cancellationToken) =>
        BackfillAsync(settings.BaseUrl, settings.RequiredCredential, accounts, settings.OnRateLimit, settings.TriggeredBy, cancellationToken, settings.SourceId);

    /// <summary>A sign-in: it costs no reads.</summary>
    Task ISourcePass.TestAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        client.SignInAsync(settings.BaseUrl, settings.RequiredCredential, cancellationToken);

    /// <summary>
    /// Every page of a stream (search or author feed) followed until the service stops giving a
    /// cursor; the newest <c>indexedAt</c> seen is saved as the cursor with the last page.
    /// </summary>
    private async Task ReadPagesAsync(SourceRun run, Func<string?, Task<BlueskyResponse>> fetch, Func<string, DateTime, BlueskyPage> map, bool endsOnEmptyPage,
        Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, CancellationToken cancellationToken)
    {
        var report = run.Report;
        await using var session = await writer.OpenSessionAsync(cancellationToken);
        string? cursor = null;
        var newest = run.Cursor;
        var guard = new PageGuard("Bluesky");
        while (true)
        {
            var response = await WithRateLimitAsync(() => fetch(cursor), onRateLimit, cancellationToken);
            if (response is null)
            {
                report.Stopped = "Stopped at Bluesky's rate limit; the cursor is kept. Run again later.";
                break;
            }
            var observedAt = DateTime.UtcNow;
            var page = map(response.Body, observedAt);
            report.Pages++;
            report.Fetched += page.Count;
            var (records, rejected) = await WithProfilesAsync(page, response, observedAt, onRateLimit, cancellationToken);
            if (page.NewestIndexedAt is not null && (newest is null || string.CompareOrdinal(page.NewestIndexedAt, newest) > 0))
            {
                newest = page.NewestIndexedAt;
            }
            var looping = !guard.MayFollow(page.Cursor, records.OfType<PostRecord>().Select(p => p.Id));
            var last = page.Cursor is null || (endsOnEmptyPage && page.Count == 0) || looping;
            report.Counts.Add(await session.WriteAsync(records, new IngestionWriteOptions(observedAt, run.SourceId, run.CursorToSave(last, looping, newest)), cancellationToken));
            await run.QuarantineAsync(rejected, cancellationToken);
            if (last)
            {
                report.Stopped ??= guard.Stopped;
                break;
            }
            cursor = page.Cursor;
        }
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
