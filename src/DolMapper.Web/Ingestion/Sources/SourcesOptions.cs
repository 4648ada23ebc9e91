using System.ComponentModel.DataAnnotations;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>The <c>DolMapper:Sources</c> section: defaults for every source client.</summary>
public sealed class SourcesOptions
{
    public const string Section = "DolMapper:Sources";

    /// <summary>Retries after a 5xx or a timeout, with jittered exponential back-off from <see cref="RetryDelayMilliseconds"/>.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;
    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 1_000;
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;
    /// <summary>The command line waits for a rate limit's reset when it is sooner than this; later, it stops and says when to run again.</summary>
    [Range(0, 1440)]
    public int MaxWaitMinutes { get; set; } = 15;

    public XSourceOptions X { get; set; } = new();
    public BlueskySourceOptions Bluesky { get; set; } = new();
    public MastodonSourceOptions Mastodon { get; set; } = new();
    public PubMedSourceOptions PubMed { get; set; } = new();
}

public sealed class PubMedSourceOptions
{
    public string BaseUrl { get; set; } = Sources.PubMed.PubMedClient.DefaultBaseUrl;
    /// <summary>The optional NCBI API key (10 requests a second instead of 3).</summary>
    public string? Token { get; set; }
    public string? Query { get; set; }
    /// <summary>NCBI asks every client to name itself and give a contact address.</summary>
    public string Tool { get; set; } = "dolmapper";
    public string Email { get; set; } = "dolmapper@localhost";
    [Range(1, 10_000)]
    public int MaxResults { get; set; } = 500;
    /// <summary>Look up the publications of persons classified physician or researcher (Q8), this many a pass (0: off).</summary>
    [Range(0, 100_000)]
    public int AuthorLookupsPerPass { get; set; } = 200;
    /// <summary>A person's publications are looked up again after this many days.</summary>
    [Range(1, 3650)]
    public int AuthorLookupIntervalDays { get; set; } = 30;
}

public sealed class MastodonSourceOptions
{
    /// <summary>The instance the command line reads when --base-url is not given.</summary>
    public string BaseUrl { get; set; } = Sources.Mastodon.MastodonClient.DefaultBaseUrl;
    /// <summary>Optional access token.</summary>
    public string? Token { get; set; }
    /// <summary>One hashtag, without '#'.</summary>
    public string? Query { get; set; }
    /// <summary>How far back a first pass walks a hashtag timeline (40 statuses a page).</summary>
    [Range(1, 1000)]
    public int MaxPagesFirstPass { get; set; } = 25;
}

public sealed class BlueskySourceOptions
{
    public string BaseUrl { get; set; } = Sources.Bluesky.BlueskyClient.DefaultBaseUrl;
    /// <summary>"HANDLE:APP_PASSWORD".</summary>
    public string? Token { get; set; }
    public string? Query { get; set; }
}

public sealed class XSourceOptions
{
    public string BaseUrl { get; set; } = X.XClient.DefaultBaseUrl;
    /// <summary>The bearer token (better given as an environment variable or in the source's saved settings).</summary>
    public string? Token { get; set; }
    public string? Query { get; set; }
}
