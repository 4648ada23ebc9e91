using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace DolMapper.Web.Ingestion.Sources.Mastodon;

/// <summary>A page of a Mastodon timeline: the request, the raw body, and the Link header's next and prev pages.</summary>
public sealed record MastodonResponse(string Request, string Body, string? Next, string? Prev);

/// <summary>
/// Mastodon's hashtag timeline (<c>GET /api/v1/timelines/tag/:hashtag</c>), paged only by the
/// <c>Link</c> header (absent on the last page; ids are never computed). An access token is
/// optional. A 429 raises the instance's <c>X-RateLimit-Reset</c>.
/// </summary>
public sealed partial class MastodonClient(HttpClient http)
{
    public const string DefaultBaseUrl = "https://mastodon.social";

    public Task<MastodonResponse> TagTimelineAsync(string instance, string hashtag, string? token, CancellationToken cancellationToken) =>
        GetAsync($"{instance.TrimEnd('/')}/api/v1/timelines/tag/{Uri.EscapeDataString(hashtag.TrimStart('#'))}?limit=40", token, cancellationToken);

    /// <summary><c>GET /api/v1/accounts/lookup?acct=</c>: an account's profile by its address.</summary>
    public Task<MastodonResponse> LookupAccountAsync(string instance, string acct, string? token, CancellationToken cancellationToken) =>
        GetAsync($"{instance.TrimEnd('/')}/api/v1/accounts/lookup?acct={Uri.EscapeDataString(acct.TrimStart('@'))}", token, cancellationToken);

    /// <summary>
    /// Whether a status still exists on <paramref name="instance"/>: false on 404 or 410, true on
    /// success; other answers throw.
    /// </summary>
    public async Task<bool> StatusExistsAsync(string instance, string id, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{instance.TrimEnd('/')}/api/v1/statuses/{Uri.EscapeDataString(id)}");
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (RateLimits.IsRateLimited(response))
        {
            throw new RateLimitedException("Mastodon", RateLimits.ResetAt(response, DateTimeOffset.UtcNow));
        }
        if (response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Gone)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>Follows a URL the server gave in a Link header.</summary>
    public Task<MastodonResponse> FollowAsync(string url, string? token, CancellationToken cancellationToken) => GetAsync(url, token, cancellationToken);

    private async Task<MastodonResponse> GetAsync(string url, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (RateLimits.IsRateLimited(response))
        {
            throw new RateLimitedException("Mastodon", RateLimits.ResetAt(response, DateTimeOffset.UtcNow));
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Mastodon answered {(int)response.StatusCode} to GET {url}: {(body.Length > 500 ? body[..500] : body)}", null, response.StatusCode);
        }
        var link = response.Headers.TryGetValues("Link", out var values) ? string.Join(", ", values) : "";
        return new MastodonResponse($"GET {url}", body, Rel(link, "next"), Rel(link, "prev"));
    }

    [GeneratedRegex("<([^>]+)>\\s*;\\s*rel=\"?([a-z]+)\"?")]
    private static partial Regex LinkPart();

    /// <summary>The URL of <paramref name="rel"/> in an RFC 8288 Link header.</summary>
    public static string? Rel(string header, string rel) =>
        LinkPart().Matches(header).FirstOrDefault(m => m.Groups[2].Value == rel)?.Groups[1].Value;
}
