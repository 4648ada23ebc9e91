using Hangfire;
using DolMapper.Web.Ingestion.Sources.X;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>The daily job that tombstones a source's posts deleted at the platform (X and Bluesky).</summary>
public sealed class ReconcileSourceJob(SourceStore store, XReconciliation x, Bluesky.BlueskyReconciliation bluesky, ILogger<ReconcileSourceJob> logger)
{
    public const int Days = 30;
    public const int MaxPosts = 2_000;

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Reconcile deletions of source {0}")]
    public async Task RunAsync(int sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken);
        if (source is null || source.Kind is not ("x" or "bluesky"))
        {
            logger.LogInformation("Source {SourceId}: deletion reconciliation is built for X and Bluesky so far", sourceId);
            return;
        }
        var credential = await store.CredentialAsync(sourceId, cancellationToken) ?? throw new InvalidOperationException($"source '{source.Name}' has no credentials saved");
        var purged = source.Kind == "x"
            ? await x.RunAsync(source.BaseUrl, credential, Days, MaxPosts, cancellationToken)
            : await bluesky.RunAsync(source.BaseUrl, credential, Days, MaxPosts, cancellationToken);
        logger.LogInformation("Source {Source}: {Purged} posts deleted at {Platform} were tombstoned", source.Name, purged, source.Kind);
    }
}
