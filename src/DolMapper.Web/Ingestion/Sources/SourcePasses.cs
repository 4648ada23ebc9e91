namespace DolMapper.Web.Ingestion.Sources;

/// <summary>What a configured source's passes did, and when to come back if a rate limit stopped them.</summary>
public sealed record SourcePassResult(IReadOnlyList<IngestReport> Reports, DateTimeOffset? RetryAt);

/// <summary>Whether a platform accepted a source's saved settings; when it did not, what it said.</summary>
public sealed record SourceTestResult(string SourceName, string Kind, string? Refusal)
{
    public bool Accepted => Refusal is null;
}

/// <summary>
/// Runs every query of a configured source through its platform's pass (the <see cref="ISourcePass"/>
/// keyed by the source's kind), then what the platform does for tracked accounts; shared by "Run
/// now" and the recurring job.
/// </summary>
public sealed class SourcePasses(SourceStore store, ProfileTerms terms, IServiceProvider services)
{
    public async Task<SourcePassResult> RunAsync(int sourceId, string triggeredBy, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken) ?? throw new InvalidOperationException($"source {sourceId} does not exist");
        var pass = PassFor(source);
        var credential = await CredentialAsync(source, pass, cancellationToken);
        var reports = new List<IngestReport>();
        DateTimeOffset? retryAt = null;
        Task<bool> Stop(RateLimitedException limited, CancellationToken _)
        {
            // A job does not hold a worker through a rate limit: it stops, and is scheduled again for the reset.
            retryAt = retryAt is null || limited.ResetAt < retryAt ? limited.ResetAt : retryAt;
            return Task.FromResult(false);
        }
        var settings = new SourcePassSettings(source.BaseUrl, credential, Stop, triggeredBy, sourceId);
        var hashtags = source.Kind == Data.Entities.SourceKinds.PubMed ? [] : await terms.HashtagsAsync(cancellationToken);
        foreach (var query in ProfileTerms.QueriesFor(source.Kind, source.Queries, hashtags))
        {
            var report = await pass.RunAsync(settings, query, cancellationToken);
            reports.Add(report);
            if (retryAt is not null || report.Stopped is not null)
            {
                return new SourcePassResult(reports, retryAt);
            }
        }
        if (source.Tracked.Count > 0)
        {
            try
            {
                reports.AddRange(await pass.TrackAsync(settings, source.Tracked, cancellationToken));
            }
            catch (RateLimitedException limited)
            {
                await Stop(limited, cancellationToken);
            }
        }
        return new SourcePassResult(reports, retryAt);
    }

    /// <summary>One cheap call with the saved settings: does the platform accept them?</summary>
    public async Task<SourceTestResult> TestAsync(int sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(sourceId, cancellationToken) ?? throw new InvalidOperationException($"source {sourceId} does not exist");
        try
        {
            var pass = PassFor(source);
            var credential = await CredentialAsync(source, pass, cancellationToken);
            await pass.TestAsync(new SourcePassSettings(source.BaseUrl, credential, (_, _) => Task.FromResult(false), "test", sourceId),
                source.Queries.FirstOrDefault() ?? "health", cancellationToken);
            return new SourceTestResult(source.Name, source.Kind, null);
        }
        catch (Exception e) when (e is HttpRequestException or RateLimitedException or InvalidOperationException or ArgumentException or TaskCanceledException)
        {
            return new SourceTestResult(source.Name, source.Kind, e.Message);
        }
    }

    private ISourcePass PassFor(SourceConfig source) =>
        services.GetKeyedService<ISourcePass>(source.Kind) ?? throw new InvalidOperationException($"source kind '{source.Kind}' has no pass yet");

    private async Task<string?> CredentialAsync(SourceConfig source, ISourcePass pass, CancellationToken cancellationToken) =>
        await store.CredentialAsync(source.Id, cancellationToken) is { } credential
            ? credential
            : pass.NeedsCredential ? throw new InvalidOperationException($"source '{source.Name}' has no credentials saved") : null;
}
