using Hangfire;
using DolMapper.Web.Ingestion.Sources.X;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>The daily job that tombstones a source's posts deleted at the platform (X for now).</summary>
public sealed class ReconcileSourceJob(SourceStore store, XReconciliation x, ILogger<ReconcileSourceJob> logger)
{
    public const int Days = 30;
    public const int MaxPosts = 2_000;

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Reconcile deletions of source {0}")]
    public async Task RunAsync(int sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken);
        if (source is null || source.Kind != "x")
        {
            logger.LogInformation("Source {SourceId}: deletion reconciliation is built for X only so far", sourceId);
            return;
        }
        var token = await store.CredentialAsync(sourceId, cancellationToken) ?? throw new InvalidOperationException($"source '{source.Name}' has no credentials saved");
        var purged = await x.RunAsync(source.BaseUrl, token, Days, MaxPosts, cancellationToken);
        logger.LogInformation("Source {Source}: {Purged} posts deleted at X were tombstoned", source.Name, purged);
    }
}
