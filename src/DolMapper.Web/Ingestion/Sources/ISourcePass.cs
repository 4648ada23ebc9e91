namespace DolMapper.Web.Ingestion.Sources;

/// <summary>
/// A platform's way of reading a configured source, registered as a keyed service under the
/// source kind (<c>x</c>, <c>bluesky</c>, <c>mastodon</c>, <c>pubmed</c>). Each pass runs inside
/// <see cref="SourceRunner"/>; adding a platform is a client, a mapper and one of these.
/// </summary>
public interface ISourcePass
{
    /// <summary>Whether the platform refuses to be read without a saved credential.</summary>
    bool NeedsCredential { get; }

    /// <summary>One incremental pass of a query from its stored cursor to the end (or to a stop: rate limit, budget).</summary>
    Task<IngestReport> RunAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken);

    /// <summary>What the platform offers for tracked accounts beyond the queries (timelines, feeds, profile refreshes); one report per stream read.</summary>
    Task<IReadOnlyList<IngestReport>> TrackAsync(SourcePassSettings settings, IReadOnlyList<string> accounts, CancellationToken cancellationToken);

    /// <summary>One cheap call with the settings; throws what the platform said when it refuses them.</summary>
    Task TestAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken);
}

/// <summary>Where and as whom a pass reads, what it does at a rate limit, who started it, and the configured source it counts under (null: the platform's own, for the command line).</summary>
/// <param name="OnRateLimit">Asked at "too many requests": true when it waited and the request should be retried, false to stop the pass (the cursor is kept).</param>
public sealed record SourcePassSettings(string BaseUrl, string? Credential, Func<RateLimitedException, CancellationToken, Task<bool>> OnRateLimit,
    string TriggeredBy, int? SourceId = null)
{
    public string RequiredCredential => Credential ?? throw new InvalidOperationException("the source has no credentials saved");
}
