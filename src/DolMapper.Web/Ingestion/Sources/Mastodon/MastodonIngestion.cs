using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources.Mastodon;

/// <summary>
/// One pass of a hashtag timeline on one instance, paged only by the Link header. The first pass
/// walks back (<c>rel="next"</c>) up to <see cref="MastodonSourceOptions.MaxPagesFirstPass"/>
/// pages; the cursor is the <c>rel="prev"</c> link of the newest page, and later passes walk
/// forward from it until a page comes back empty. The cursor is kept per instance and hashtag and
/// saved in the transaction of the last page.
/// </summary>
public sealed class MastodonIngestion(MastodonClient client, IngestionWriter writer, NpgsqlDataSource dataSource, CrossProcessLock locks,
    QuarantineLimits quarantineLimits, IOptions<SourcesOptions> options, ILogger<MastodonIngestion> logger)
{
    public async Task<IngestReport> RunAsync(string instance, string? token, string hashtag, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null)
    {
        hashtag = hashtag.TrimStart('#');
        var cursorKey = $"{hashtag}@{new Uri(instance).Authority}";
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Ingestion(Platforms.Mastodon, cursorKey), cancellationToken: cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sourceId = configuredSourceId ?? await SourceRuns.SourceIdAsync(connection, Platforms.Mastodon, instance, cancellationToken);
        var cursor = await SourceRuns.CursorAsync(connection, sourceId, cursorKey, cancellationToken);
        var runId = await SourceRuns.StartAsync(connection, sourceId, cursorKey, triggeredBy, cancellationToken);
        var report = new IngestReport { RunId = runId, Source = Platforms.Mastodon, Query = cursorKey };
        var forward = cursor is not null;
        logger.LogInformation("Mastodon pass for #{Tag} on {Instance} ({Direction}, run {RunId})", hashtag, instance, forward ? "newer than the cursor" : "first pass", runId);

        try
        {
            await using var session = await writer.OpenSessionAsync(cancellationToken);
            var url = cursor;
            string? newCursor = null;
            var guard = new PageGuard("Mastodon");
            guard.Start(cursor);
            while (true)
            {
                MastodonResponse response;
                try
                {
                    response = url is null
                        ? await client.TagTimelineAsync(instance, hashtag, token, cancellationToken)
                        : await client.FollowAsync(url, token, cancellationToken);
                }
                catch (RateLimitedException limited)
                {
                    if (await onRateLimit(limited, cancellationToken))
                    {
                        continue;
                    }
                    report.Stopped = $"Stopped at the instance's rate limit; the cursor is kept. Run again after {limited.ResetAt:yyyy-MM-dd HH:mm:ss} UTC.";
                    break;
                }
                var observedAt = DateTime.UtcNow;
                var page = MastodonMapper.Map(response.Body, instance, observedAt);
                report.Pages++;
                report.Fetched += page.Count;
                if (page.Count > 0 && (forward || newCursor is null))
                {
                    // Walking forward, each page's prev link is newer; walking back, the first page's is the newest.
                    newCursor = response.Prev ?? newCursor;
                }
                var next = forward ? (page.Count > 0 ? response.Prev : null) : response.Next;
                var looping = !guard.MayFollow(next, page.Records.OfType<PostRecord>().Select(p => p.Id));
                var last = next is null || looping || (!forward && report.Pages >= options.Value.Mastodon.MaxPagesFirstPass);
                // A server that does not page has not shown everything: the old cursor stays.
                var save = last && !looping && newCursor is not null ? new SourceCursorUpdate(sourceId, cursorKey, newCursor) : null;
                report.Counts.Add(await session.WriteAsync(page.Records, new IngestionWriteOptions(observedAt, sourceId, save), cancellationToken));
                if (page.Rejected.Count > 0)
                {
                    report.Rejected += page.Rejected.Count;
                    await Quarantine.WriteAsync(connection, runId, sourceId, [.. page.Rejected.Select(r => new QuarantineItem(response.Request, null, r.Reason, r.Raw))], quarantineLimits, cancellationToken);
                }
                if (last)
                {
                    report.Stopped ??= guard.Stopped;
                    break;
                }
                url = next;
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
}
