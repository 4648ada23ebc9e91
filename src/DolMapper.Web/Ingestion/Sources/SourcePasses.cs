using DolMapper.Web.Ingestion.Sources.Bluesky;
using DolMapper.Web.Ingestion.Sources.Mastodon;
using DolMapper.Web.Ingestion.Sources.X;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>What a configured source's passes did, and when to come back if a rate limit stopped them.</summary>
public sealed record SourcePassResult(IReadOnlyList<IngestReport> Reports, DateTimeOffset? RetryAt);

/// <summary>Runs every query of a configured source through its platform's pass; shared by "Run now" and the recurring job.</summary>
public sealed class SourcePasses(SourceStore store, IServiceProvider services)
{
    public async Task<SourcePassResult> RunAsync(int sourceId, string triggeredBy, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken) ?? throw new InvalidOperationException($"source {sourceId} does not exist");
        var credential = await store.CredentialAsync(sourceId, cancellationToken);
        var reports = new List<IngestReport>();
        DateTimeOffset? retryAt = null;
        Task<bool> Stop(RateLimitedException limited, CancellationToken _)
        {
            // A job does not hold a worker through a rate limit: it stops, and is scheduled again for the reset.
            retryAt = retryAt is null || limited.ResetAt < retryAt ? limited.ResetAt : retryAt;
            return Task.FromResult(false);
        }
        foreach (var query in source.Queries)
        {
            var report = source.Kind switch
            {
                "x" => await services.GetRequiredService<XIngestion>().RunAsync(source.BaseUrl, credential ?? throw Missing(source), query, Stop, triggeredBy, cancellationToken, sourceId),
                "bluesky" => await services.GetRequiredService<BlueskyIngestion>().RunAsync(source.BaseUrl, credential ?? throw Missing(source), query, Stop, triggeredBy, cancellationToken, sourceId),
                "mastodon" => await services.GetRequiredService<MastodonIngestion>().RunAsync(source.BaseUrl, credential, query, Stop, triggeredBy, cancellationToken, sourceId),
                _ => throw new InvalidOperationException($"source kind '{source.Kind}' has no pass yet"),
            };
            reports.Add(report);
            if (retryAt is not null)
            {
                break;
            }
        }
        return new SourcePassResult(reports, retryAt);
    }

    private static InvalidOperationException Missing(SourceConfig source) => new($"source '{source.Name}' has no credentials saved");
}
