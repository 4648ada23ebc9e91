using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DolMapper.Web.Ingestion.Sources.Bluesky;

/// <summary>A response as the service sent it: the request (without credentials) and the raw body.</summary>
public sealed record BlueskyResponse(string Request, string Body);

/// <summary>
/// The AT Protocol calls DolMapper makes: a session from an app password
/// (<c>com.atproto.server.createSession</c>, refreshed with <c>refreshSession</c> when the access
/// token expires), <c>app.bsky.feed.searchPosts</c> (search needs a signed-in session) and
/// <c>app.bsky.actor.getProfiles</c>. A 429 raises the service's <c>ratelimit-reset</c>.
/// </summary>
public sealed class BlueskyClient(HttpClient http)
{
    public const string DefaultBaseUrl = "https://bsky.social";
    private string? _access;
    private string? _refresh;
    private string _baseUrl = DefaultBaseUrl;

    /// <param name="credentials">"HANDLE:APP_PASSWORD" (docs/cli.md, ingest).</param>
    public async Task SignInAsync(string baseUrl, string credentials, CancellationToken cancellationToken)
    {
        _baseUrl = baseUrl.TrimEnd('/');
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == credentials.Length - 1)
        {
            throw new ArgumentException("Bluesky credentials must be HANDLE:APP_PASSWORD.");
        }
        using var response = await http.PostAsJsonAsync($"{_baseUrl}/xrpc/com.atproto.server.createSession",
            new { identifier = credentials[..colon], password = credentials[(colon + 1)..] }, cancellationToken);
        await ReadSessionAsync(response, "createSession", cancellationToken);
    }

    public Task<BlueskyResponse> SearchPostsAsync(string query, string? since, string? cursor, CancellationToken cancellationToken) =>
        GetAsync($"/xrpc/app.bsky.feed.searchPosts?q={Uri.EscapeDataString(query)}&sort=latest&limit=100"
            + (since is null ? "" : $"&since={Uri.EscapeDataString(since)}")
            + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), cancellationToken);

    /// <summary><c>app.bsky.feed.getAuthorFeed</c>: an account's posts and reposts, newest first, 100 a page.</summary>
    public Task<BlueskyResponse> GetAuthorFeedAsync(string actor, string? cursor, CancellationToken cancellationToken) =>
        GetAsync($"/xrpc/app.bsky.feed.getAuthorFeed?actor={Uri.EscapeDataString(actor)}&limit=100"
            + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), cancellationToken);

    /// <summary><c>app.bsky.feed.getPosts</c>: up to 25 posts by at:// URI; a deleted post is simply absent.</summary>
    public Task<BlueskyResponse> GetPostsAsync(IEnumerable<string> uris, CancellationToken cancellationToken) =>
        GetAsync("/xrpc/app.bsky.feed.getPosts?" + string.Join('&', uris.Select(u => $"uris={Uri.EscapeDataString(u)}")), cancellationToken);

    /// <summary>Up to 25 profiles per call, as the API allows.</summary>
    public Task<BlueskyResponse> GetProfilesAsync(IEnumerable<string> actors, CancellationToken cancellationToken) =>
        GetAsync("/xrpc/app.bsky.actor.getProfiles?" + string.Join('&', actors.Select(a => $"actors={Uri.EscapeDataString(a)}")), cancellationToken);

    private async Task<BlueskyResponse> GetAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _baseUrl + path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _access ?? throw new InvalidOperationException("sign in first"));
            using var response = await http.SendAsync(request, cancellationToken);
            if (RateLimits.IsRateLimited(response))
            {
                throw new RateLimitedException("Bluesky", RateLimits.ResetAt(response, DateTimeOffset.UtcNow));
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (attempt == 0 && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized && body.Contains("ExpiredToken", StringComparison.Ordinal))
            {
                await RefreshAsync(cancellationToken);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Bluesky answered {(int)response.StatusCode} to GET {path}: {(body.Length > 500 ? body[..500] : body)}", null, response.StatusCode);
            }
            return new BlueskyResponse($"GET {path}", body);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_baseUrl}/xrpc/com.atproto.server.refreshSession");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _refresh);
        using var response = await http.SendAsync(request, cancellationToken);
        await ReadSessionAsync(response, "refreshSession", cancellationToken);
    }

    private async Task ReadSessionAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (RateLimits.IsRateLimited(response))
        {
            throw new RateLimitedException("Bluesky", RateLimits.ResetAt(response, DateTimeOffset.UtcNow));
        }
        if (!response.IsSuccessStatusCode)
        {
            // The body names the error (e.g. AuthenticationRequired); it never echoes the password.
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Bluesky {call} failed with {(int)response.StatusCode}: {(error.Length > 300 ? error[..300] : error)}", null, response.StatusCode);
        }
        using var session = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        _access = session.RootElement.GetProperty("accessJwt").GetString();
        _refresh = session.RootElement.GetProperty("refreshJwt").GetString();
    }
}
