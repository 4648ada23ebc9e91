using Hangfire;
using DolMapper.Web.Ingestion.Sources.X;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>The daily job that tombstones a source's posts deleted at the platform.</summary>
public sealed class ReconcileSourceJob(SourceStore store, XReconciliation x, Bluesky.BlueskyReconciliation bluesky, Mastodon.MastodonMaintenance mastodon, ILogger<ReconcileSourceJob> logger)
{
    public const int Days = 30;
    public const int MaxPosts = 2_000;

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Reconcile deletions of source {0}")]
    public async Task RunAsync(int sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken);
        if (source is null || source.Kind is not ("x" or "bluesky" or "mastodon"))
        {
            return;
        }
        var credential = await store.CredentialAsync(sourceId, cancellationToken);
        var purged = source.Kind switch
        {
            "x" => await x.RunAsync(source.BaseUrl, credential ?? throw new InvalidOperationException($"source '{source.Name}' has no credentials saved"), Days, MaxPosts, cancellationToken),
            "bluesky" => await bluesky.RunAsync(source.BaseUrl, credential ?? throw new InvalidOperationException($"source '{source.Name}' has no credentials saved"), Days, MaxPosts, cancellationToken),
            // One request per status: a smaller share of the instance's 300 requests per 5 minutes.
            _ => await mastodon.ReconcileAsync(source.BaseUrl, credential, Days, MaxPosts / 10, cancellationToken),
        };
        logger.LogInformation("Source {Source}: {Purged} posts deleted at {Platform} were tombstoned", source.Name, purged, source.Kind);
    }
}
