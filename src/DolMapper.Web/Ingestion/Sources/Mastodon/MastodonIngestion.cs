using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Ingestion.Sources.Mastodon;

/// <summary>
/// One pass of a hashtag timeline on one instance, paged only by the Link header. The first pass
/// walks back (<c>rel="next"</c>) up to <see cref="MastodonSourceOptions.MaxPagesFirstPass"/>
/// pages; the cursor is the <c>rel="prev"</c> link of the newest page, and later passes walk
/// forward from it until a page comes back empty. The cursor is kept per instance and hashtag and
/// saved in the transaction of the last page.
/// </summary>
public sealed class MastodonIngestion(MastodonClient client, IngestionWriter writer, SourceRunner runner, MastodonMaintenance maintenance,
    IOptions<SourcesOptions> options, ILogger<MastodonIngestion> logger) : ISourcePass
{
    public bool NeedsCredential => false;

    public Task<IngestReport> RunAsync(string instance, string? token, string hashtag, Func<RateLimitedException, CancellationToken, Task<bool>> onRateLimit, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null)
    {
        hashtag = hashtag.TrimStart('#');
        var cursorKey = $"{hashtag}@{new Uri(instance).Authority}";
        return runner.RunAsync(Platforms.Mastodon, instance, cursorKey, configuredSourceId, triggeredBy, async run =>
        {
            var report = run.Report;
            var cursor = run.Cursor;
            var forward = cursor is not null;
            logger.LogInformation("Mastodon pass for #{Tag} on {Instance} ({Direction}, run {RunId})", hashtag, instance, forward ? "newer than the cursor" : "first pass", run.RunId);
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
                report.Counts.Add(await session.WriteAsync(page.Records, new IngestionWriteOptions(observedAt, run.SourceId, run.CursorToSave(last, looping, newCursor)), cancellationToken));
                await run.QuarantineAsync([.. page.Rejected.Select(r => new QuarantineItem(response.Request, null, r.Reason, r.Raw))], cancellationToken);
                if (last)
                {
                    report.Stopped ??= guard.Stopped;
                    break;
                }
                url = next;
            }
        }, cancellationToken);
    }

    Task<IngestReport> ISourcePass.RunAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        RunAsync(settings.BaseUrl, settings.Credential, query, settings.OnRateLimit, settings.TriggeredBy, cancellationToken, settings.SourceId);

    /// <summary>Tracked accounts' profiles refreshed by lookup (a Mastodon timeline needs no backfill: hashtags reach back).</summary>
    async Task<IReadOnlyList<IngestReport>> ISourcePass.TrackAsync(SourcePassSettings settings, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        await maintenance.RefreshAccountsAsync(settings.BaseUrl, settings.Credential, accounts, cancellationToken);
        return [];
    }

    Task ISourcePass.TestAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        client.TagTimelineAsync(settings.BaseUrl, query, settings.Credential, cancellationToken);
}
