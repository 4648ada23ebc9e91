using DolMapper.Web.Ingestion.Sources.Bluesky;
using DolMapper.Web.Ingestion.Sources.Mastodon;
using DolMapper.Web.Ingestion.Sources.X;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>What a configured source's passes did, and when to come back if a rate limit stopped them.</summary>
public sealed record SourcePassResult(IReadOnlyList<IngestReport> Reports, DateTimeOffset? RetryAt);

/// <summary>Runs every query of a configured source through its platform's pass; shared by "Run now" and the recurring job.</summary>
public sealed class SourcePasses(SourceStore store, ProfileTerms terms, Microsoft.Extensions.Options.IOptions<SourcesOptions> options, IServiceProvider services)
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
        var queries = ProfileTerms.QueriesFor(source.Kind, source.Queries, source.Kind == "pubmed" ? [] : await terms.HashtagsAsync(cancellationToken));
        foreach (var query in queries)
        {
            var report = source.Kind switch
            {
                "x" => await services.GetRequiredService<XIngestion>().RunAsync(source.BaseUrl, credential ?? throw Missing(source), query, Stop, triggeredBy, cancellationToken, sourceId),
                "bluesky" => await services.GetRequiredService<BlueskyIngestion>().RunAsync(source.BaseUrl, credential ?? throw Missing(source), query, Stop, triggeredBy, cancellationToken, sourceId),
                "mastodon" => await services.GetRequiredService<MastodonIngestion>().RunAsync(source.BaseUrl, credential, query, Stop, triggeredBy, cancellationToken, sourceId),
                "pubmed" => await services.GetRequiredService<PubMed.PubMedIngestion>().RunAsync(source.BaseUrl,
                    new PubMed.PubMedIdentity(options.Value.PubMed.Tool, options.Value.PubMed.Email, string.IsNullOrEmpty(credential) ? null : credential),
                    query, options.Value.PubMed.MaxResults, triggeredBy, cancellationToken, sourceId),
                _ => throw new InvalidOperationException($"source kind '{source.Kind}' has no pass yet"),
            };
            reports.Add(report);
            if (retryAt is not null || report.Stopped is not null)
            {
                return new SourcePassResult(reports, retryAt);
            }
        }
        if (source.Tracked.Count > 0 && source.Kind == "mastodon")
        {
            await services.GetRequiredService<MastodonMaintenance>().RefreshAccountsAsync(source.BaseUrl, credential, source.Tracked, cancellationToken);
        }
        if (source.Tracked.Count > 0 && source.Kind is "x" or "bluesky")
        {
            try
            {
                reports.AddRange(source.Kind == "x"
                    ? await services.GetRequiredService<XIngestion>().BackfillAsync(source.BaseUrl, credential ?? throw Missing(source), source.Tracked, Stop, triggeredBy, cancellationToken, sourceId)
                    : await services.GetRequiredService<BlueskyIngestion>().BackfillAsync(source.BaseUrl, credential ?? throw Missing(source), source.Tracked, Stop, triggeredBy, cancellationToken, sourceId));
            }
            catch (RateLimitedException limited)
            {
                await Stop(limited, cancellationToken);
            }
        }
        return new SourcePassResult(reports, retryAt);
    }

    /// <summary>One cheap call with the saved settings: does the platform accept them?</summary>
    public async Task<(bool Ok, string Message)> TestAsync(int sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken) ?? throw new InvalidOperationException($"source {sourceId} does not exist");
        var credential = await store.CredentialAsync(sourceId, cancellationToken);
        var query = source.Queries.FirstOrDefault() ?? "health";
        try
        {
            switch (source.Kind)
            {
                case "x":
                    // The smallest search X allows (10 posts): it costs those reads.
                    await services.GetRequiredService<XClient>().SearchRecentAsync(source.BaseUrl, credential ?? throw Missing(source), query, null, null, cancellationToken, maxResults: 10);
                    break;
                case "bluesky":
                    await services.GetRequiredService<BlueskyClient>().SignInAsync(source.BaseUrl, credential ?? throw Missing(source), cancellationToken);
                    break;
                case "mastodon":
                    await services.GetRequiredService<MastodonClient>().TagTimelineAsync(source.BaseUrl, query, credential, cancellationToken);
                    break;
            }
            return (true, $"'{source.Name}': {source.Kind} accepted the settings.");
        }
        catch (Exception e) when (e is HttpRequestException or RateLimitedException or InvalidOperationException or ArgumentException or TaskCanceledException)
        {
            return (false, $"'{source.Name}': {e.Message}");
        }
    }

    private static InvalidOperationException Missing(SourceConfig source) => new($"source '{source.Name}' has no credentials saved");
}
