using System.Net.Http.Headers;

namespace DolMapper.Web.Ingestion.Sources.X;

/// <summary>A page as the API sent it: the request (for the record, without credentials) and the raw body.</summary>
public sealed record XResponse(string Request, string Body);

/// <summary>
/// The X API v2 endpoints DolMapper reads, written against the documented API (LinqToTwitter is
/// not obtainable here). Retries on 5xx and timeouts come from the resilience handler registered
/// with the client; a 429 is not retried but raised with the platform's reset time, so a job can
/// reschedule and the command line can wait.
/// </summary>
public sealed class XClient(HttpClient http)
{
    public const string DefaultBaseUrl = "https://api.x.com";

    /// <summary>Everything a post needs: its author, what it replies to or quotes, mentions, entities and public metrics.</summary>
    public const string SearchFields =
        "tweet.fields=created_at,author_id,lang,public_metrics,entities,referenced_tweets,in_reply_to_user_id,conversation_id" +
        "&expansions=author_id,referenced_tweets.id,referenced_tweets.id.author_id,entities.mentions.username,in_reply_to_user_id" +
        "&user.fields=created_at,description,location,public_metrics,url,verified";

    /// <summary>GET /2/tweets/search/recent: the last seven days matching <paramref name="query"/>, newest first.</summary>
    public Task<XResponse> SearchRecentAsync(string baseUrl, string token, string query, string? sinceId, string? nextToken, CancellationToken cancellationToken, int maxResults = 100)
    {
        var path = $"/2/tweets/search/recent?query={Uri.EscapeDataString(query)}&max_results={maxResults}&{SearchFields}"
            + (sinceId is null ? "" : $"&since_id={Uri.EscapeDataString(sinceId)}")
            + (nextToken is null ? "" : $"&next_token={Uri.EscapeDataString(nextToken)}");
        return GetAsync(baseUrl, token, path, cancellationToken);
    }

    public const string UserFields = "user.fields=created_at,description,location,public_metrics,url,verified";

    /// <summary>GET /2/users/by: accounts by handle (up to 100).</summary>
    public Task<XResponse> LookupUsersAsync(string baseUrl, string token, IReadOnlyCollection<string> usernames, CancellationToken cancellationToken) =>
        GetAsync(baseUrl, token, $"/2/users/by?usernames={Uri.EscapeDataString(string.Join(',', usernames))}&{UserFields}", cancellationToken);

    /// <summary>GET /2/users/:id/tweets: an account's timeline, newest first, with the same fields as search.</summary>
    public Task<XResponse> UserTweetsAsync(string baseUrl, string token, string userId, string? sinceId, string? paginationToken, CancellationToken cancellationToken) =>
        GetAsync(baseUrl, token, $"/2/users/{Uri.EscapeDataString(userId)}/tweets?max_results=100&{SearchFields}"
            + (sinceId is null ? "" : $"&since_id={Uri.EscapeDataString(sinceId)}")
            + (paginationToken is null ? "" : $"&pagination_token={Uri.EscapeDataString(paginationToken)}"), cancellationToken);

    /// <summary>GET /2/tweets?ids=…: up to 100 posts by id; the missing ones come back in <c>errors</c>.</summary>
    public Task<XResponse> LookupAsync(string baseUrl, string token, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        GetAsync(baseUrl, token, $"/2/tweets?ids={string.Join(',', ids)}&tweet.fields=public_metrics", cancellationToken);

    private async Task<XResponse> GetAsync(string baseUrl, string token, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        if (RateLimits.IsRateLimited(response))
        {
            throw new RateLimitedException("X", RateLimits.ResetAt(response, DateTimeOffset.UtcNow));
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"X answered {(int)response.StatusCode} to GET {path}: {Truncate(body, 500)}", null, response.StatusCode);
        }
        return new XResponse($"GET {path}", body);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
