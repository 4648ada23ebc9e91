using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;

namespace DolMapper.Web.Ingestion.Sources.X;

/// <summary>
/// One incremental pass of X recent search for a query: every page from the stored <c>since_id</c>
/// to the end, each written through the bulk writer, the cursor advanced (to the newest id of the
/// pass) in the transaction of the last page — so a pass killed midway leaves the old cursor and
/// its rerun stores exactly what a clean run would. Held under the cross-process lock of the source
/// and query, the same one the scheduled job takes.
/// </summary>
public sealed class XIngestion(XClient client, IngestionWriter writer, SourceRunner runner, ILogger<XIngestion> logger) : ISourcePass
{
    public bool NeedsCredential => true;

    /// <param name="onRateLimit">Asked what to do when X says "too many requests": true waits was done and the request is retried, false stops the pass.</param>
    public Task<IngestReport> RunAsync(string baseUrl, string token, string query, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null) =>
        PassAsync(baseUrl, query, (sinceId, next) => client.SearchRecentAsync(baseUrl, token, query, sinceId, next, cancellationToken),
            onRateLimit, triggeredBy, configuredSourceId, cancellationToken);

    /// <summary>
    /// Backfills tracked accounts from their timelines (recent search reaches back only 7 days; a
    /// timeline serves up to the 3,200 most recent posts): handles are looked up, then each
    /// timeline is read from its own cursor (<c>timeline:USER_ID</c>).
    /// </summary>
    public async Task<IReadOnlyList<IngestReport>> BackfillAsync(string baseUrl, string token, IReadOnlyList<string> handles, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null)
    {
        var reports = new List<IngestReport>();
        foreach (var chunk in handles.Select(h => h.Trim().TrimStart('@')).Where(h => h.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Chunk(100))
        {
            XResponse? users = null;
            while (users is null)
            {
                try
                {
                    users = await client.LookupUsersAsync(baseUrl, token, chunk, cancellationToken);
                }
                catch (RateLimitedException limited)
                {
                    if (!await onRateLimit(limited, cancellationToken))
                    {
                        throw;
                    }
                }
            }
            foreach (var userId in XMapper.UserIds(users.Body))
            {
                reports.Add(await PassAsync(baseUrl, $"timeline:{userId}", (sinceId, next) => client.UserTweetsAsync(baseUrl, token, userId, sinceId, next, cancellationToken),
                    onRateLimit, triggeredBy, configuredSourceId, cancellationToken));
                if (reports[^1].Stopped is not null)
                {
                    return reports;
                }
            }
        }
        return reports;
    }

    Task<IngestReport> ISourcePass.RunAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        RunAsync(settings.BaseUrl, settings.RequiredCredential, query, settings.OnRateLimit, settings.TriggeredBy, cancellationToken, settings.SourceId);

    Task<IReadOnlyList<IngestReport>> ISourcePass.TrackAsync(SourcePassSettings settings, IReadOnlyList<string> accounts, CancellationToken cancellationToken) =>
        BackfillAsync(settings.BaseUrl, settings.RequiredCredential, accounts, settings.OnRateLimit, settings.TriggeredBy, cancellationToken, settings.SourceId);

    /// <summary>The smallest search X allows (10 posts): it costs those reads.</summary>
    Task ISourcePass.TestAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        client.SearchRecentAsync(settings.BaseUrl, settings.RequiredCredential, query, null, null, cancellationToken, maxResults: 10);

    /// <summary>Every page of one cursor's stream, from its stored since_id to the end.</summary>
    private Task<IngestReport> PassAsync(string baseUrl, string query, Func<string?, string?, Task<XResponse>> fetch,
        Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, int? configuredSourceId, CancellationToken cancellationToken) =>
        runner.RunAsync(Platforms.X, baseUrl, query, configuredSourceId, triggeredBy, async run =>
        {
            var report = run.Report;
            var sinceId = run.Cursor;
            logger.LogInformation("X pass for '{Query}' from since_id {SinceId} (run {RunId})", query, sinceId ?? "(none)", run.RunId);
            await using var session = await writer.OpenSessionAsync(cancellationToken);
            string? nextToken = null;
            string? newest = null;
            var guard = new PageGuard("X");
            while (true)
            {
                // X charges per post read: stop before a page that would go past the day's budget.
                if (run.BudgetSpent() is { } spent)
                {
                    report.Stopped = spent;
                    break;
                }
                XResponse response;
                try
                {
                    response = await fetch(sinceId, nextToken);
                }
                catch (RateLimitedException limited)
                {
                    if (await onRateLimit(limited, cancellationToken))
                    {
                        continue;
                    }
                    report.Stopped = $"Stopped at X's rate limit; the cursor is kept. Run again after {limited.ResetAt:yyyy-MM-dd HH:mm:ss} UTC.";
                    break;
                }

                var observedAt = DateTime.UtcNow;
                var page = XMapper.Map(response.Body, observedAt);
                newest ??= page.NewestId;
                report.Pages++;
                report.Fetched += page.ResultCount;
                var looping = !guard.MayFollow(page.NextToken, page.Records.OfType<PostRecord>().Select(p => p.Id));
                var last = page.NextToken is null || looping;
                report.Counts.Add(await session.WriteAsync(page.Records, new IngestionWriteOptions(observedAt, run.SourceId, run.CursorToSave(last, looping, newest)), cancellationToken));
                await run.QuarantineAsync([.. page.Rejected.Select(r => new QuarantineItem(response.Request, null, r.Reason, r.Raw))], cancellationToken);
                if (last)
                {
                    report.Stopped ??= guard.Stopped;
                    break;
                }
                nextToken = page.NextToken;
            }
        }, cancellationToken);
}
